using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.TestTaskPlugins.Refused;

/// <summary>Built against contract 3, which this runtime (contracts 1 and 2) does not load.</summary>
public sealed class NextContractTask : ISlideTask
{
    public string Name => "next-contract";

    public int ContractMajorVersion => 3;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException("never started");
}

/// <summary>Throws when the host creates it (a missing licence file, say).</summary>
public sealed class ThrowsOnLoadTask : ISlideTask
{
    public ThrowsOnLoadTask() => throw new InvalidOperationException("licence file not found");

    public string Name => "throws-on-load";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException("never started");
}

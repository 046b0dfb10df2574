using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.TestTaskPlugins.Refused;

/// <summary>Built against contract 2, which this runtime (contract 1) does not have.</summary>
public sealed class NextContractTask : ISlideTask
{
    public string Name => "next-contract";

    public int ContractMajorVersion => 2;

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

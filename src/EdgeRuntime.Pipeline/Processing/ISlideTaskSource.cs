using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>The tasks every slide's embeddings go to, besides the built-in zero-shot tagging.</summary>
public interface ISlideTaskSource
{
    /// <summary>The tasks, in the order their outputs appear in the result.</summary>
    IReadOnlyList<ISlideTask> Tasks { get; }
}

/// <summary>No extra tasks.</summary>
public sealed class NoSlideTasks : ISlideTaskSource
{
    /// <inheritdoc />
    public IReadOnlyList<ISlideTask> Tasks { get; } = [];
}

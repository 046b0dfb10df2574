using EdgeRuntime.Engine.Running;

namespace EdgeRuntime.Validation;

/// <summary>Task plugins loaded for a validation, with whatever holds them, released together when disposed.</summary>
public sealed class LoadedTasks(IReadOnlyList<SlideTaskEntry> tasks, IDisposable owner) : IDisposable
{
    /// <summary>The tasks, in the order they run.</summary>
    public IReadOnlyList<SlideTaskEntry> Tasks { get; } = tasks;

    /// <inheritdoc />
    public void Dispose() => owner.Dispose();
}

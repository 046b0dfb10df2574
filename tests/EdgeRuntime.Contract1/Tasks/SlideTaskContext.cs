using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// What the host gives a task for one slide. Members are only ever added (a minor contract version), so a task
/// built against an earlier minor version keeps working.
/// </summary>
public sealed class SlideTaskContext
{
    /// <summary>The slide's stable, content-based id.</summary>
    public required string SlideId { get; init; }

    /// <summary>The model whose embeddings the task will receive.</summary>
    public required ModelIdentity Model { get; init; }

    /// <summary>The same model's text tower, for tasks that work from their own prompts (retrieval by text, say).</summary>
    public required ITextEncoder TextEncoder { get; init; }

    /// <summary>The active prompt set's classes with their text embeddings, for zero-shot tasks.</summary>
    public required PromptClasses Classes { get; init; }

    /// <summary>The tile grid the embeddings come from: tiles are numbered 0 to <c>Count - 1</c>.</summary>
    public required TileGridInfo Grid { get; init; }

    /// <summary>
    /// Folder where the task may write files beside the result. It is the result's staging folder: files appear
    /// to readers only when the whole result is committed, so the task need not write them atomically itself.
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// The task's own folder that outlives slides and swaps (an index, prototypes): one per task name, kept by the
    /// host, which names it; the task creates it when it first writes. The task must keep what it writes there
    /// consistent across a crash.
    /// </summary>
    public required string StateDirectory { get; init; }

    /// <summary>The task's settings from configuration (<c>EdgeRuntime:Processing:TaskSettings:{task name}</c>); empty when none.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
}

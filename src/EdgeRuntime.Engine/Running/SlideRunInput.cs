using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;

namespace EdgeRuntime.Engine.Running;

/// <summary>One slide to run, and what to run it with.</summary>
/// <param name="SlideId">The slide's content-based id.</param>
/// <param name="Path">The file.</param>
/// <param name="Model">The model, with its prompt sets' class embeddings.</param>
/// <param name="Tasks">The tasks that receive the embeddings, with their plugin provenance, in order.</param>
/// <param name="OutputDirectory">Where tasks (and the overlay) write their files; the caller commits it.</param>
public sealed record SlideRunInput(string SlideId, string Path, ModelRuntime Model, IReadOnlyList<SlideTaskEntry> Tasks, string OutputDirectory)
{
    /// <summary>Draw <c>overlay.png</c> from the first task that classifies tiles. Default true.</summary>
    public bool DrawOverlay { get; init; } = true;

    /// <summary>A person's explicit tile µm/px (<c>--target-mpp</c>), over the model's own.</summary>
    public double? TargetMicronsPerPixel { get; init; }

    /// <summary>Tiles encoded so far, reported after every batch.</summary>
    public IProgress<EncodingProgress>? Progress { get; init; }
}

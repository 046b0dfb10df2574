using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Slides;

namespace EdgeRuntime.Validation;

/// <summary>
/// What a validation needs from the program that composes the service: models loaded as the service loads them,
/// built-in task plugins loaded from the plugins root, and runs of the one slide engine. So what is validated is
/// what is deployed, and this library builds no engine of its own.
/// </summary>
public interface IValidationHost
{
    /// <summary>How slides are opened (the worst samples' thumbnails are read as the service reads them).</summary>
    SlideReadingOptions SlideReading { get; }

    /// <summary>The tissue detector's name, for messages about an image without tissue.</summary>
    string TissueDetector { get; }

    /// <summary>
    /// Everything besides the model and the file that decides an image's embedding (the tiling, the target µm/px
    /// and the tissue detector), as text: part of an embedding's cache key.
    /// </summary>
    string TilingKey(double? targetMicronsPerPixel);

    /// <summary>
    /// The model package in <paramref name="modelDirectory"/>, loaded as the service loads it; a
    /// <paramref name="taggingPromptSet"/> replaces the tagging task's prompt set.
    /// </summary>
    Task<ModelRuntime> LoadModelAsync(string modelDirectory, string? taggingPromptSet, CancellationToken cancellationToken);

    /// <summary>A built-in task plugin by id, loaded as the one-shot commands load it; disposing it unloads it.</summary>
    LoadedTasks LoadTask(string id);

    /// <summary>Runs <paramref name="path"/> through the slide engine with <paramref name="tasks"/>, their files in <paramref name="outputDirectory"/>.</summary>
    Task<SlideRun> RunAsync(string path, ModelRuntime model, IReadOnlyList<SlideTaskEntry> tasks, string outputDirectory, double? targetMicronsPerPixel, CancellationToken cancellationToken);
}

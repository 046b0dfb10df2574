using System.Text.Json;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.Slides;
using EdgeRuntime.Validation;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// Validation's view of the one-shot commands' composition: models loaded and task plugins found as
/// <see cref="SlideRunner"/> loads them for <c>tag</c> and <c>embed</c>, and the engine resolved from the same container.
/// </summary>
internal sealed class CommandValidationHost(EdgertSettings settings, ILoggerFactory logging) : IValidationHost
{
    public SlideReadingOptions SlideReading => settings.Slides;

    public string TissueDetector => settings.Tissue.Detector;

    // Unchanged since the first cache: a change here would orphan every cached embedding.
    public string TilingKey(double? targetMicronsPerPixel) =>
        JsonSerializer.Serialize(new { settings.Tiling, targetMicronsPerPixel, settings.Tissue.Detector });

    public Task<ModelRuntime> LoadModelAsync(string modelDirectory, string? taggingPromptSet, CancellationToken cancellationToken)
    {
        settings.Processing.ModelPackage = modelDirectory;
        if (taggingPromptSet is not null)
        {
            settings.Processing.TaskPromptSets[ValidationRun.TaggingTask] = taggingPromptSet;
        }

        return SlideRunner.LoadModelAsync(settings, logging.CreateLogger("edgert"), cancellationToken);
    }

    public LoadedTasks LoadTask(string id)
    {
        var set = SlideRunner.LoadTask(settings, id, logging);
        return new LoadedTasks(set.Tasks, set);
    }

    public async Task<SlideRun> RunAsync(string path, ModelRuntime model, IReadOnlyList<SlideTaskEntry> tasks, string outputDirectory, double? targetMicronsPerPixel, CancellationToken cancellationToken)
    {
        // The set only carries the tasks: whoever loaded them releases them.
        using var set = new SlideTaskSet(tasks, [], null);
        return await SlideRunner.RunAsync(settings, logging, path, model, set, outputDirectory, targetMicronsPerPixel, null, cancellationToken);
    }
}

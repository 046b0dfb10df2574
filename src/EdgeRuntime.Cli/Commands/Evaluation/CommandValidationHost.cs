using System.Text.Json;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Slides;
using EdgeRuntime.Validation;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// Validation's view of the one-shot commands' composition: models loaded, and task plugins and the engine taken from
/// a container of the one composition, as <see cref="SlideRunner"/> gives them to <c>tag</c> and <c>embed</c>.
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
        // The container holds the task until the caller is done with it: disposing what is returned releases both.
        var services = SlideRunner.Compose(settings, logging);
        try
        {
            return new LoadedTasks(SlideRunner.LoadTask(services, id).Tasks, services);
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }

    public async Task<SlideRun> RunAsync(string path, ModelRuntime model, IReadOnlyList<SlideTaskEntry> tasks, string outputDirectory, double? targetMicronsPerPixel, CancellationToken cancellationToken)
    {
        // The tasks are whoever loaded them's to release; this container only runs the engine.
        await using var services = SlideRunner.Compose(settings, logging);
        return await SlideRunner.RunAsync(services, path, model, tasks, outputDirectory, targetMicronsPerPixel, null, cancellationToken);
    }
}

using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Cli.Hosting;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Ingest.Inbox;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.Slides.Reading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// What the one-shot commands share with the service: the model loaded as the service loads it, task plugins
/// loaded from the plugins root, and the one <see cref="SlideEngine"/>. <c>tag</c> and <c>embed</c> are front
/// ends over the built-in task plugins, so they compute exactly what the service computes.
/// </summary>
internal static class SlideRunner
{
    public static Task<ModelRuntime> LoadModelAsync(EdgertSettings settings, ILogger logger, CancellationToken cancellationToken) =>
        ModelRuntime.LoadAsync(settings.ModelPackageDirectory, settings.PromptSetPath, settings.TaskPromptSetPaths, settings.TaskPrototypeSetPaths, settings.CellHeadDirectory, settings.Inference, settings.Pipeline.BatchSize, settings.ZeroShot.TextEmbeddingCache, logger, cancellationToken);

    /// <summary>The content-based id the service would give the file.</summary>
    public static string SlideId(SlideOpener opener, string path)
    {
        using var slide = opener.Open(path);
        return SlideIdentity.Of(path, slide.Info.Properties);
    }

    /// <summary>
    /// One built-in task plugin by id: the version the configuration or the active file runs, else the highest
    /// present that verifies. A version refused before (or refused now) is passed over with a warning: a broken
    /// version left in the root never breaks a command that did not ask for it.
    /// </summary>
    /// <exception cref="SettingsException">Plugins are off, or no usable version of the task is under the root.</exception>
    public static SlideTaskSet LoadTask(EdgertSettings settings, string id, ILoggerFactory loggers, ModelProvider? models = null)
    {
        if (!settings.Plugins.Enabled)
        {
            throw new SettingsException([$"{PluginOptions.Section}:{nameof(PluginOptions.Root)} is empty: this command runs the '{id}' task plugin from the plugins root."]);
        }

        var logger = loggers.CreateLogger("edgert");
        var host = TaskHost.For(settings.Processing, loggers, models);
        var running = ActivePlugins.Read(settings.Plugins.ActiveFile).TasksOr(settings.Plugins.ConfiguredTasks).FirstOrDefault(t => t.Id == id);
        if (running is not null)
        {
            return TaskSetLoader.Load([running], settings.Plugins, host, logger);
        }

        var refusals = new List<string>();
        foreach (var candidate in PluginCatalog.Scan(settings.Plugins.Root).Where(p => p.Kind == PluginRef.Tasks && p.Id == id).Reverse())
        {
            try
            {
                if (TaskPluginIsolation.RecordedRefusal(candidate, settings.Plugins) is { } before)
                {
                    throw new InvalidDataException(before);
                }

                return TaskSetLoader.Load([candidate], settings.Plugins, host, logger);
            }
            catch (InvalidDataException e)
            {
                CliLog.PluginVersionSkipped(logger, candidate.ToString(), e.Message);
                refusals.Add($"{candidate}: {e.Message}");
            }
        }

        throw new SettingsException([refusals.Count == 0
            ? $"{PluginOptions.Section}:{nameof(PluginOptions.Root)}: no version of the '{id}' task plugin under {settings.Plugins.Root}/tasks/{id}/."
            : $"{PluginOptions.Section}:{nameof(PluginOptions.Root)}: no usable version of the '{id}' task plugin under {settings.Plugins.Root}/tasks/{id}/ ({string.Join("; ", refusals)})."]);
    }

    /// <summary>Runs <paramref name="path"/> through the service's pipeline with <paramref name="tasks"/>, its files in <paramref name="outputDirectory"/>.</summary>
    public static Task<SlideRun> RunAsync(EdgertSettings settings, ILoggerFactory loggers, string path, ModelRuntime model, SlideTaskSet tasks, string outputDirectory, double? targetMicronsPerPixel, IProgress<EncodingProgress>? progress, CancellationToken cancellationToken)
    {
        TaskModelFit.Check(model, tasks.Tasks.Select(t => t.Task));
        return RunInContainerAsync(settings, loggers, path, model, tasks, outputDirectory, targetMicronsPerPixel, progress, cancellationToken);
    }

    // The engine from the service's composition (no case reader: these commands print task outputs, not results).
    private static async Task<SlideRun> RunInContainerAsync(EdgertSettings settings, ILoggerFactory loggers, string path, ModelRuntime model, SlideTaskSet tasks, string outputDirectory, double? targetMicronsPerPixel, IProgress<EncodingProgress>? progress, CancellationToken cancellationToken)
    {
        await using var services = Composition.ForCommand(loggers, settings, (s, sections) => s.AddEngine(sections));
        var input = new SlideRunInput(SlideId(services.GetRequiredService<SlideOpener>(), path), path, model, tasks.Tasks, outputDirectory)
        {
            DrawOverlay = false,
            TargetMicronsPerPixel = targetMicronsPerPixel,
            Progress = progress,
        };
        return await services.GetRequiredService<SlideEngine>().RunAsync(input, cancellationToken).ConfigureAwait(false);
    }
}

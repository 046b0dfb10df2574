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
/// loaded with the container's task host, and the one <see cref="SlideEngine"/>, each from the one composition
/// (<see cref="Composition.AddCommandRun"/>). <c>tag</c> and <c>embed</c> are front ends over the built-in task
/// plugins, so they compute exactly what the service computes.
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
    /// The container a command runs an input in (<see cref="Composition.AddCommandRun"/>): the engine and the task
    /// plugins' host; with <paramref name="model"/>, that model in the swap slot, which the container then releases.
    /// </summary>
    /// <exception cref="SettingsException">Some value is invalid.</exception>
    public static ServiceProvider Compose(EdgertSettings settings, ILoggerFactory loggers, ModelRuntime? model = null) =>
        Composition.ForCommand(loggers, settings, (s, sections) => s.AddCommandRun(sections, model));

    /// <summary>
    /// One built-in task plugin by id, loaded with the container's task host and swapped into its task slot (the
    /// container releases it): the version the configuration or the active file runs, else the highest present that
    /// verifies. A version refused before (or refused now) is passed over with a warning: a broken version left in the
    /// root never breaks a command that did not ask for it.
    /// </summary>
    /// <exception cref="SettingsException">Plugins are off, or no usable version of the task is under the root.</exception>
    public static SlideTaskSet LoadTask(IServiceProvider services, string id)
    {
        var set = Choose(services.GetRequiredService<PluginOptions>(), services.GetRequiredService<TaskHost>(), id);
        services.GetRequiredService<TaskProvider>().Swap(set);
        return set;
    }

    /// <summary>Runs <paramref name="path"/> through the container's engine with <paramref name="tasks"/>, its files in <paramref name="outputDirectory"/>.</summary>
    public static Task<SlideRun> RunAsync(IServiceProvider services, string path, ModelRuntime model, IReadOnlyList<SlideTaskEntry> tasks, string outputDirectory, double? targetMicronsPerPixel, IProgress<EncodingProgress>? progress, CancellationToken cancellationToken)
    {
        // No case reader here: these commands print task outputs, not results.
        TaskModelFit.Check(model, tasks.Select(t => t.Task));
        var input = new SlideRunInput(SlideId(services.GetRequiredService<SlideOpener>(), path), path, model, tasks, outputDirectory)
        {
            DrawOverlay = false,
            TargetMicronsPerPixel = targetMicronsPerPixel,
            Progress = progress,
        };
        return services.GetRequiredService<SlideEngine>().RunAsync(input, cancellationToken);
    }

    private static SlideTaskSet Choose(PluginOptions plugins, TaskHost host, string id)
    {
        if (!plugins.Enabled)
        {
            throw new SettingsException([$"{PluginOptions.Section}:{nameof(PluginOptions.Root)} is empty: this command runs the '{id}' task plugin from the plugins root."]);
        }

        var logger = host.Loggers.CreateLogger("edgert");
        var running = ActivePlugins.Read(plugins.ActiveFile).TasksOr(plugins.ConfiguredTasks).FirstOrDefault(t => t.Id == id);
        if (running is not null)
        {
            return TaskSetLoader.Load([running], plugins, host, logger);
        }

        var refusals = new List<string>();
        foreach (var candidate in PluginCatalog.Scan(plugins.Root).Where(p => p.Kind == PluginRef.Tasks && p.Id == id).Reverse())
        {
            try
            {
                if (TaskPluginIsolation.RecordedRefusal(candidate, plugins) is { } before)
                {
                    throw new InvalidDataException(before);
                }

                return TaskSetLoader.Load([candidate], plugins, host, logger);
            }
            catch (InvalidDataException e)
            {
                CliLog.PluginVersionSkipped(logger, candidate.ToString(), e.Message);
                refusals.Add($"{candidate}: {e.Message}");
            }
        }

        throw new SettingsException([refusals.Count == 0
            ? $"{PluginOptions.Section}:{nameof(PluginOptions.Root)}: no version of the '{id}' task plugin under {plugins.Root}/tasks/{id}/."
            : $"{PluginOptions.Section}:{nameof(PluginOptions.Root)}: no usable version of the '{id}' task plugin under {plugins.Root}/tasks/{id}/ ({string.Join("; ", refusals)})."]);
    }
}

using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Pipeline.Processing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Watches the active-plugins file and swaps the model (with its prompt set) while the service runs. The new
/// versions are loaded and verified in full before the swap; a version that fails (bad hash, missing file, a
/// graph that disagrees with its manifest) is refused, the reason logged, and the active model stays.
/// </summary>
public sealed class PluginSwapService(
    PluginOptions options,
    ModelProvider models,
    InferenceOptions inference,
    EncodingOptions encoding,
    ZeroShotOptions zeroShot,
    ILogger<PluginSwapService> logger) : BackgroundService
{
    private ActivePlugins applied = new(null, null);

    /// <summary>Loads the model and prompt set an <see cref="ActivePlugins"/> names (a missing part keeps the current one's).</summary>
    public static Task<ModelRuntime> LoadAsync(ActivePlugins active, string root, ModelRuntime current, InferenceOptions inference, int batchSize, string textCache, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(current);
        var modelDirectory = active.Model?.Directory(root) ?? current.Package.Directory;
        var promptFile = active.Prompts?.DefiningFile(root) ?? current.Prompts.Path;
        return ModelRuntime.LoadAsync(modelDirectory, promptFile, inference, batchSize, textCache, logger, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        var activeFile = Path.GetFullPath(options.ActiveFile);
        Directory.CreateDirectory(Path.GetDirectoryName(activeFile)!);
        using var changed = new Ingest.Inbox.WorkSignal();
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(activeFile)!, Path.GetFileName(activeFile))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite,
        };
        watcher.Changed += (_, _) => changed.Set();
        watcher.Created += (_, _) => changed.Set();
        watcher.Renamed += (_, _) => changed.Set();
        watcher.EnableRaisingEvents = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            await ApplyAsync(activeFile, stoppingToken);
            try
            {
                await changed.WaitAsync(TimeSpan.FromSeconds(options.CheckIntervalSeconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task ApplyAsync(string activeFile, CancellationToken cancellationToken)
    {
        ActivePlugins wanted;
        try
        {
            wanted = ActivePlugins.Read(activeFile);
        }
        catch (InvalidDataException e)
        {
            PluginLog.Refused(logger, "?", "?", e.Message);
            return;
        }

        var current = models.Current;
        var modelDirectory = wanted.Model?.Directory(options.Root) ?? current.Package.Directory;
        var promptFile = wanted.Prompts?.DefiningFile(options.Root) ?? current.Prompts.Path;
        if (wanted == applied || (modelDirectory == current.Package.Directory && promptFile == current.Prompts.Path))
        {
            applied = wanted;
            return;
        }

        try
        {
            PluginAllowList.Check(options, Path.Combine(modelDirectory, "model.json"));
            PluginAllowList.Check(options, promptFile);
            var next = await LoadAsync(wanted, options.Root, models.Current, inference, encoding.BatchSize, zeroShot.TextEmbeddingCache, logger, cancellationToken);
            models.Swap(next);
            var model = $"{next.Package.Identity.Id} {next.Package.Identity.Version}";
            var prompts = $"{next.Prompts.Set.Id} {next.Prompts.Set.Version}";
            PluginLog.Activated(logger, model, prompts);
        }
        catch (Exception e) when (e is ModelPackageException or InvalidDataException or IOException)
        {
            var model = wanted.Model?.ToString() ?? "(current model)";
            var prompts = wanted.Prompts?.ToString() ?? "(current prompts)";
            PluginLog.Refused(logger, model, prompts, e.Message);
        }

        applied = wanted; // refused or not, the same file is not tried again until it changes
    }
}

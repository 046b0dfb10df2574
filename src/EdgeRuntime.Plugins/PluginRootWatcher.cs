using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Journal.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Watches the plugins root for new versions, with the inbox's completeness rules: a version folder is looked at
/// only once its defining file is there, no file in it has a temporary name, and nothing in it has changed for
/// the quiet period, so a half-copied model is never loaded. A complete new version is announced; if it is a
/// higher version of a plugin that runs and <see cref="PluginOptions.ActivateNewVersions"/> is set, it is
/// activated through the <see cref="PluginController"/> (verified first; refused with the reason otherwise).
/// </summary>
internal sealed class PluginRootWatcher(PluginOptions options, PluginController controller, ILogger<PluginRootWatcher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || !options.WatchRoot)
        {
            return;
        }

        var root = Path.GetFullPath(options.Root);
        var known = new HashSet<string>(VersionFolders(root).Select(v => v.Folder), StringComparer.Ordinal); // present at start: not new
        var tracker = new CompletenessTracker(TimeSpan.FromSeconds(options.QuietPeriodSeconds));
        using var changed = new WorkSignal();
        using var watcher = new FileSystemWatcher(root) { IncludeSubdirectories = true };
        watcher.Created += (_, _) => changed.Set();
        watcher.Changed += (_, _) => changed.Set();
        watcher.Renamed += (_, _) => changed.Set();
        watcher.EnableRaisingEvents = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                known.RemoveWhere(folder => !Directory.Exists(folder)); // removed, so the same version may come back
                var candidates = VersionFolders(root).Where(v => !known.Contains(v.Folder) && File.Exists(v.Plugin.DefiningFile(root))).ToList();
                foreach (var folder in tracker.Update(candidates.Select(c => c.Folder), DateTimeOffset.UtcNow))
                {
                    known.Add(folder);
                    await OnCompleteAsync(candidates.First(c => c.Folder == folder).Plugin, stoppingToken);
                }

                // While something settles, look again soon; otherwise wait for an event or the periodic check.
                var wait = tracker.Settling ? TimeSpan.FromSeconds(Math.Clamp(options.QuietPeriodSeconds / 4, 0.1, options.CheckIntervalSeconds)) : TimeSpan.FromSeconds(options.CheckIntervalSeconds);
                await changed.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder vanished or is not readable while being listed: look again at the next round, not at once.
                PluginLog.ScanInterrupted(logger, root, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(options.CheckIntervalSeconds), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task OnCompleteAsync(PluginRef plugin, CancellationToken cancellationToken)
    {
        controller.Announce(plugin);
        if (!options.ActivateNewVersions || controller.ActiveVersion(plugin.Kind, plugin.Id) is not { } running
            || PluginVersion.Comparer.Compare(plugin.Version, running) <= 0)
        {
            return;
        }

        await controller.ActivateAsync(plugin, "plugins root", plugin.ToString(), cancellationToken);
    }

    private static IEnumerable<(string Folder, PluginRef Plugin)> VersionFolders(string root) =>
        PluginCatalog.VersionFolders(root).Select(p => (p.Directory(root), p));
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Watches the active-plugins file (written by <c>edgert plugins activate|deactivate</c> on the box) and hands
/// each new content to the <see cref="PluginController"/>. After a refusal the controller writes back what runs;
/// should that write fail, the same refused content is not retried every few seconds.
/// </summary>
internal sealed class ActiveFileWatcher(PluginOptions options, PluginController controller, ILogger<ActiveFileWatcher> logger) : BackgroundService
{
    private ActivePlugins? tried;
    private string? unreadable;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        var activeFile = Path.GetFullPath(options.ActiveFile);
        Directory.CreateDirectory(Path.GetDirectoryName(activeFile)!);
        using var changed = new Journal.Signals.WorkSignal();
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
            try
            {
                await CheckAsync(activeFile, stoppingToken);
                await changed.WaitAsync(TimeSpan.FromSeconds(options.CheckIntervalSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task CheckAsync(string activeFile, CancellationToken cancellationToken)
    {
        ActivePlugins wanted;
        try
        {
            wanted = ActivePlugins.Read(activeFile);
            unreadable = null;
        }
        catch (InvalidDataException e)
        {
            if (unreadable != e.Message)
            {
                unreadable = e.Message; // once per distinct problem, not every few seconds
                PluginLog.ActiveFileUnreadable(logger, activeFile, e.Message);
            }

            return;
        }

        if (wanted.Equals(controller.Active))
        {
            tried = null; // after a refusal the file is put back; writing the same request again retries it
            return;
        }

        if (wanted.Equals(tried))
        {
            return;
        }

        tried = wanted;
        await controller.ApplyActiveFileAsync(wanted, cancellationToken);
    }
}

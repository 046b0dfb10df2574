using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Changes;

/// <summary>
/// Applies the change requests that <c>edgert plugins activate|deactivate</c> leaves in <c>plugin-requests/</c>,
/// one at a time and in the order asked, through the <see cref="PluginController"/> (which composes each with what
/// runs then, so two changes in a row both take effect, or the second is refused with its reason), and answers each
/// with an outcome file the command waits for. Holds the <see cref="PluginStateLock"/> while the service runs, by
/// which the command knows that a service will answer.
/// </summary>
internal sealed class PluginRequestWatcher(PluginOptions options, PluginController controller, ILogger<PluginRequestWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan OutcomesKept = TimeSpan.FromDays(1);
    private PluginStateLock? held;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Enabled)
        {
            held = PluginStateLock.TryAcquire(options, TimeSpan.FromSeconds(5));
            if (held is null)
            {
                PluginLog.StateLockTaken(logger, options.StateDirectory);
            }
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        held?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        var folder = PluginChangeRequest.Folder(options);
        Directory.CreateDirectory(folder);
        using var arrived = new Journal.Signals.WorkSignal();
        using var watcher = new FileSystemWatcher(folder, "*.request.json") { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        watcher.Created += (_, _) => arrived.Set();
        watcher.Renamed += (_, _) => arrived.Set();
        watcher.EnableRaisingEvents = true;
        RemoveOldOutcomes(folder);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var path in PluginChangeRequest.Pending(options))
                {
                    await ApplyAsync(path, stoppingToken);
                }

                // Events wake it; the periodic look covers a watcher that dropped one.
                await arrived.WaitAsync(TimeSpan.FromSeconds(options.CheckIntervalSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                PluginLog.RequestFolderUnreadable(logger, folder, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(options.CheckIntervalSeconds), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ApplyAsync(string path, CancellationToken cancellationToken)
    {
        PluginChangeRequest request;
        PluginOutcome outcome;
        try
        {
            request = PluginChangeRequest.Read(path);
        }
        catch (InvalidDataException e)
        {
            var id = Path.GetFileName(path).Split('.')[0];
            new PluginChangeRequest.Outcome(id, false, e.Message, controller.Active).Write(Path.Combine(Path.GetDirectoryName(path)!, id + ".outcome.json"));
            File.Delete(path);
            return;
        }

        const string origin = "edgert plugins";
        try
        {
            var plugin = PluginRef.Parse(request.Plugin);
            outcome = request.Action switch
            {
                PluginChangeRequest.Activate when request.With is { Count: > 0 } => await controller.ActivateAllAsync(request.Parts(), origin, request.Id, cancellationToken),
                PluginChangeRequest.Activate => await controller.ActivateAsync(plugin, request.Tasks, origin, request.Id, cancellationToken),
                PluginChangeRequest.Deactivate => await controller.DeactivateAsync(plugin, origin, request.Id, cancellationToken),
                _ => new PluginOutcome(false, $"{path}: action '{request.Action}' is neither '{PluginChangeRequest.Activate}' nor '{PluginChangeRequest.Deactivate}'.", controller.Active),
            };
        }
        catch (FormatException e)
        {
            outcome = new PluginOutcome(false, $"{path}: {e.Message}", controller.Active);
        }

        // The outcome first, then the request goes: a service stopped in between applies it again (a no-op), never loses it.
        new PluginChangeRequest.Outcome(request.Id, outcome.Accepted, outcome.Reason, outcome.Active).Write(request.OutcomePath(options));
        File.Delete(path);
    }

    private static void RemoveOldOutcomes(string folder)
    {
        foreach (var file in Directory.GetFiles(folder, "*.outcome.json"))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > OutcomesKept)
            {
                File.Delete(file); // nobody waited for it
            }
        }
    }
}

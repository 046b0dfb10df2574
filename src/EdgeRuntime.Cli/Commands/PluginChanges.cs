using System.Globalization;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Changes;

namespace EdgeRuntime.Cli.Commands;

/// <summary>How long <c>edgert plugins activate|deactivate</c> waits for a running service's word.</summary>
/// <param name="NoWait">Queue and return.</param>
/// <param name="Seconds">The longest wait.</param>
internal sealed record ChangeWait(bool NoWait, double Seconds);

/// <summary>
/// A change asked at the box: with no service running, the active file is edited under the state lock (the service
/// starts with it); with one running, a request is queued for it (<see cref="PluginChangeRequest"/>) and the command
/// waits for the service's verdict, so that what it prints is what happened.
/// </summary>
internal static class PluginChanges
{
    public static int Apply(CliOutput output, EdgertSettings settings, PluginChangeRequest request, Func<ActivePlugins, ActivePlugins> offline, Func<ActivePlugins, string> describe, ChangeWait wait)
    {
        var options = settings.Plugins;
        using (var held = PluginStateLock.TryAcquire(options, TimeSpan.FromSeconds(3)))
        {
            if (held is not null)
            {
                var now = offline(ActivePlugins.Read(options.ActiveFile));
                now.Write(options.ActiveFile);
                output.Out.WriteLine($"{describe(now)} (no service runs with {options.StateDirectory}: in effect when it starts)");
                return ExitCodes.Success;
            }
        }

        request.Write(options);
        var outcomePath = request.OutcomePath(options);
        var follow = $"request {request.Id}: the service's verdict will be in {outcomePath} and in its log and plugin events (correlation {request.Id})";
        if (wait.NoWait)
        {
            output.Out.WriteLine($"queued: {follow}.");
            return ExitCodes.Success;
        }

        if (Await(outcomePath, TimeSpan.FromSeconds(Math.Max(0, wait.Seconds))) is not { } outcome)
        {
            output.Out.WriteLine($"queued: the service has not answered within {wait.Seconds.ToString(CultureInfo.InvariantCulture)} s (it applies changes one at a time; a model takes a while to load); {follow}.");
            return ExitCodes.NotConfirmed;
        }

        TryDelete(outcomePath);
        if (!outcome.Accepted)
        {
            output.Error.WriteLine($"edgert: refused by the service: {outcome.Reason}");
            return ExitCodes.InputError;
        }

        output.Out.WriteLine(describe(outcome.Active ?? ActivePlugins.None));
        return ExitCodes.Success;
    }

    private static PluginChangeRequest.Outcome? Await(string path, TimeSpan timeout)
    {
        using var written = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path)) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite };
        watcher.Created += (_, _) => written.Release();
        watcher.Renamed += (_, _) => written.Release();
        watcher.EnableRaisingEvents = true;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (PluginChangeRequest.Outcome.TryRead(path) is { } outcome)
            {
                return outcome;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            // The watcher wakes it; the second's look covers an event it missed.
            written.Wait(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The service removes answers nobody collected after a day.
        }
    }
}

using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Slides.Files;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>
/// Watches the inbox: file-system events wake it, a periodic rescan catches what events missed, and the
/// <see cref="CompletenessTracker"/> decides when a file is complete. Complete files go to <see cref="SlideIntake"/>;
/// failed files that someone changed come back in (<see cref="FailedSlideRetake"/>).
/// </summary>
public sealed class InboxWatcher(InboxOptions options, SlideIntake intake, FailedSlideRetake retake, ILogger<InboxWatcher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbox = Path.GetFullPath(options.Path);
        Directory.CreateDirectory(inbox);
        var excluded = new HashSet<string>(StringComparer.Ordinal) { options.DonePath, options.FailedPath };
        var quiet = TimeSpan.FromSeconds(options.QuietPeriodSeconds);
        var rescan = TimeSpan.FromSeconds(options.RescanIntervalSeconds);
        var tracker = new CompletenessTracker(quiet);
        using var changed = new WorkSignal();
        using var watcher = new FileSystemWatcher(inbox)
        {
            IncludeSubdirectories = true, // a MIRAX slide's side folder
            InternalBufferSize = 64 * 1024,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
        };
        watcher.Created += (_, _) => changed.Set();
        watcher.Changed += (_, _) => changed.Set();
        watcher.Renamed += (_, _) => changed.Set();
        watcher.Error += (_, e) =>
        {
            IngestLog.WatcherError(logger, inbox, e.GetException().Message);
            changed.Set();
        };
        watcher.EnableRaisingEvents = true;
        IngestLog.Watching(logger, inbox, options.QuietPeriodSeconds, options.RescanIntervalSeconds);

        while (!stoppingToken.IsCancellationRequested)
        {
            retake.MoveChangedBack(); // a failed slide repaired or replaced in failed/ comes back in as a candidate
            var candidates = CompletenessTracker.Candidates(inbox, excluded).ToList();
            foreach (var path in tracker.Update(candidates, DateTimeOffset.UtcNow))
            {
                try
                {
                    intake.Accept(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
                {
                    IngestLog.IntakeError(logger, path, e);
                }
            }

            // While a file is settling, look again within the quiet period; otherwise sleep until an event or the rescan.
            var settling = tracker.Settling && quiet > TimeSpan.Zero;
            var wait = settling ? TimeSpan.FromTicks(Math.Min(rescan.Ticks, Math.Max(TimeSpan.FromMilliseconds(200).Ticks, quiet.Ticks / 4))) : rescan;
            try
            {
                await changed.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>
/// Watches the inbox: file-system events wake it, a periodic rescan catches what events missed. <see cref="InboxScan"/>
/// sorts the entries without following anything: what is not a regular file is refused on sight, once, with a reason
/// note; the <see cref="CompletenessTracker"/> decides when a file is complete. Complete files are taken by
/// <see cref="InboxOptions.IntakeWorkers"/> workers beside this loop, each under the intake's time bound, so no entry
/// can hold back the others or the watching itself. A file that could not be taken for a passing reason (the journal
/// locked) is tried again on a timer, with back-off. Failed files that someone changed come back in
/// (<see cref="FailedSlideRetake"/>).
/// </summary>
internal sealed class InboxWatcher(InboxOptions options, SlideIntake intake, InboxFiles files, FailedSlideRetake retake, ILogger<InboxWatcher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbox = Path.GetFullPath(options.Path);
        Directory.CreateDirectory(inbox);
        var excluded = new HashSet<string>(StringComparer.Ordinal) { options.DonePath, options.FailedPath };
        var quiet = TimeSpan.FromSeconds(options.QuietPeriodSeconds);
        var rescan = TimeSpan.FromSeconds(options.RescanIntervalSeconds);
        var tracker = new CompletenessTracker(quiet, emptyFoldersComplete: true);
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

        var work = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = true });
        var finished = new ConcurrentQueue<(string Path, Exception? Error)>();
        var workers = Enumerable.Range(0, options.IntakeWorkers).Select(_ => Task.Run(() => TakeAsync(work.Reader, finished, changed, stoppingToken), CancellationToken.None)).ToList();
        var retries = new Dictionary<string, (DateTimeOffset Due, int Tries)>(StringComparer.Ordinal);
        var noted = new HashSet<string>(StringComparer.Ordinal); // refused entries still there: noted and logged once
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow;
                ScheduleRetries(finished, retries, now);
                foreach (var (path, _) in retries.Where(r => r.Value.Due <= now).ToList())
                {
                    tracker.Forget(path); // looked at afresh: taken again once it has settled
                    retries[path] = (DateTimeOffset.MaxValue, retries[path].Tries);
                }

                retake.MoveChangedBack(); // a failed slide repaired or replaced in failed/ comes back in as a candidate
                var (candidates, refused) = InboxScan.Look(inbox, excluded);
                foreach (var refusal in refused.Where(r => noted.Add(r.Path)))
                {
                    Refuse(refusal);
                }

                foreach (var path in tracker.Update(candidates, now))
                {
                    if (FileNode.Of(path).Kind == FileNodeKind.Directory)
                    {
                        if (!InboxScan.IsMiraxFolder(path) && noted.Add(path))
                        {
                            Refuse(InboxScan.Folder(path));
                        }

                        continue;
                    }

                    work.Writer.TryWrite(path);
                }

                noted.IntersectWith(refused.Select(r => r.Path).Concat(candidates));

                // While a file is settling, look again within the quiet period; otherwise sleep until an event, the
                // rescan or the next retry.
                var settling = tracker.Settling && quiet > TimeSpan.Zero;
                var wait = settling ? TimeSpan.FromTicks(Math.Min(rescan.Ticks, Math.Max(TimeSpan.FromMilliseconds(200).Ticks, quiet.Ticks / 4))) : rescan;
                if (retries.Values.Select(r => r.Due).DefaultIfEmpty(DateTimeOffset.MaxValue).Min() is var due && due != DateTimeOffset.MaxValue)
                {
                    wait = TimeSpan.FromTicks(Math.Clamp((due - DateTimeOffset.UtcNow).Ticks, 0, wait.Ticks));
                }

                await changed.WaitAsync(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            work.Writer.TryComplete();

            // Workers see the same token (hashing stops at once); a reader stuck in native code is not waited for.
            await Task.WhenAny(Task.WhenAll(workers), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        }
    }

    private void Refuse(InboxRefusal refusal)
    {
        try
        {
            var at = files.Refuse(refusal);
            IngestLog.NotTaken(logger, refusal.Reason, at);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            IngestLog.NotTaken(logger, refusal.Reason + $" (its reason note could not be written: {e.Message})", refusal.Path);
        }
    }

    private void ScheduleRetries(ConcurrentQueue<(string Path, Exception? Error)> finished, Dictionary<string, (DateTimeOffset Due, int Tries)> retries, DateTimeOffset now)
    {
        while (finished.TryDequeue(out var done))
        {
            if (done.Error is null)
            {
                retries.Remove(done.Path);
                continue;
            }

            var tries = retries.TryGetValue(done.Path, out var last) ? last.Tries + 1 : 1;
            var delay = TimeSpan.FromSeconds(Math.Min(options.RetrySeconds * Math.Pow(2, Math.Min(tries - 1, 10)), options.RetrySeconds * 10));
            retries[done.Path] = (now + delay, tries);
            if (done.Error is IOException or UnauthorizedAccessException or JournalUnavailableException)
            {
                IngestLog.IntakeError(logger, done.Path, done.Error.Message, delay.TotalSeconds);
            }
            else
            {
                IngestLog.IntakeUnexpected(logger, done.Path, delay.TotalSeconds, done.Error);
            }
        }
    }

    private async Task TakeAsync(ChannelReader<string> paths, ConcurrentQueue<(string Path, Exception? Error)> finished, WorkSignal changed, CancellationToken stoppingToken)
    {
        var bound = TimeSpan.FromSeconds(options.IntakeTimeoutSeconds);
        try
        {
            await foreach (var path in paths.ReadAllAsync(stoppingToken))
            {
                Exception? error = null;
                try
                {
                    intake.Accept(path, bound, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // Whatever it was, the file stays where it is and is tried again on the timer: never forgotten.
                    error = e;
                }

                finished.Enqueue((path, error));
                changed.Set();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}

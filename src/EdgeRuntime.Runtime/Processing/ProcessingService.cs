using System.Diagnostics;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.Runtime.Progress;
using EdgeRuntime.Slides;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Runtime.Processing;

/// <summary>
/// Takes pending slides from the journal, oldest first, and processes up to
/// <see cref="ProcessingOptions.SlidesInFlight"/> of them at a time, so that the next slide's reading overlaps the
/// last batches of the one before. A slide's end (done with its result, or failed with its reason) and the messages
/// that report it are one journal transaction. On a stop the slides in flight are abandoned as they are, still
/// marked processing, and done again at the next start.
/// </summary>
internal sealed class ProcessingService(
    SlideJournal journal,
    ResultCommitter processor,
    IFinishedSlides files,
    PendingSlidesSignal work,
    OutboxSignal outbox,
    PipelineMetrics metrics,
    LiveProgress live,
    ProcessingOptions options,
    ILogger<ProcessingService> logger) : BackgroundService
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan JournalReminder = TimeSpan.FromMinutes(1);

    private long pausedUntilTicks = DateTimeOffset.MinValue.UtcTicks;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var run = journal.StartRun();
        if (run.Interrupted.Count > 0)
        {
            ProcessingLog.Requeued(logger, run.Interrupted.Count, run.AfterUncleanStop ? "an unclean stop" : "the last stop", string.Join(", ", run.Interrupted));
        }

        try
        {
            var removed = Results.ResultDirectory.RemoveLeftovers(options.ResultsDirectory);
            if (removed > 0)
            {
                ProcessingLog.LeftoversRemoved(logger, removed, options.ResultsDirectory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A results store that cannot be written now is waited for slide by slide, not refused at start.
            ProcessingLog.LeftoversKept(logger, options.ResultsDirectory, e.Message);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Stopped in order: the run is marked clean, so the next start does not report an unclean stop. Not after a
        // fault that stopped the service (a lost journal): that stop is not clean, and the journal may not be written.
        if (ExecuteTask is { IsFaulted: false })
        {
            try
            {
                journal.EndRun();
            }
            catch (Exception e) when (e is IOException or JournalUnavailableException)
            {
                ProcessingLog.RunNotMarked(logger, e.Message);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();

        // One loop takes slides, so the journal hands each out once; the slots bound how many run (and the memory).
        using var slots = new SemaphoreSlim(options.SlidesInFlight, options.SlidesInFlight);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var running = new List<Task>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await slots.WaitAsync(stopping.Token);
                SlideRecord? record;
                try
                {
                    record = await TakeWhenAllowedAsync(stopping.Token);
                }
                catch (JournalUnavailableException e)
                {
                    // The journal full, locked or failing: no slide can be recorded as taken, and none is lost by
                    // waiting (the pending ones stay pending); the service keeps going and tries again.
                    slots.Release();
                    ProcessingLog.JournalUnavailable(logger, e.Message, options.DiskFullRetrySeconds);
                    await Task.Delay(TimeSpan.FromSeconds(options.DiskFullRetrySeconds), stopping.Token);
                    continue;
                }

                if (record is null)
                {
                    slots.Release();
                    await work.WaitAsync(IdleCheck, stopping.Token);
                    continue;
                }

                outbox.Set();
                running.RemoveAll(t => t.IsCompletedSuccessfully); // a faulted one is kept, for its exception
                running.Add(RunOneAsync(record, slots, stopping));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the slides in flight see the same token and end below.
        }

        // A slide whose end could not be recorded because the journal is gone (deleted or replaced) stops the service:
        // the slides in flight are abandoned as processing and done again at the next start.
        await Task.WhenAll(running);
    }

    private Task RunOneAsync(SlideRecord record, SemaphoreSlim slots, CancellationTokenSource stopping) => Task.Run(
        async () =>
        {
            try
            {
                await ProcessOneAsync(record, stopping.Token);
            }
            catch
            {
                await stopping.CancelAsync();
                throw;
            }
            finally
            {
                slots.Release();
            }
        },
        CancellationToken.None);

    /// <summary>The next pending slide, marked processing; none while the results disk was found full recently.</summary>
    private async Task<SlideRecord?> TakeWhenAllowedAsync(CancellationToken stoppingToken)
    {
        if (new DateTimeOffset(Interlocked.Read(ref pausedUntilTicks), TimeSpan.Zero) - DateTimeOffset.UtcNow is { Ticks: > 0 } pause)
        {
            // The results disk was full: every slide would meet it too, so none is taken until the wait is over.
            await Task.Delay(pause, stoppingToken);
        }

        return journal.TakeNext(r => [SlideEvents.Started(r.Id, r.Path, r.Attempts)]);
    }

    private async Task ProcessOneAsync(SlideRecord record, CancellationToken stoppingToken)
    {
        using var scope = SlideLogScope.Begin(logger, record.Id);
        ProcessingLog.Started(logger, record.Id, record.Path, record.Attempts);
        var clock = Stopwatch.StartNew();
        try
        {
            // Replaced since intake by a link, a pipe or a device: never handed to a reader, which would follow or block on it.
            if (Foundation.Files.FileNode.Of(record.Path).Kind is var kind and not (Foundation.Files.FileNodeKind.Regular or Foundation.Files.FileNodeKind.Missing))
            {
                throw new SlideException(record.Path, $"is now {Foundation.Files.FileNode.Describe(kind)}, not the regular file taken into the inbox; not opened.");
            }

            var progress = new ReportedProgress(logger, record.Id, live, outbox);
            var destination = files.DoneDestination(record.Path);
            var result = await processor.ProcessAsync(record.Id, record.Path, progress, stoppingToken, destination);
            var outcome = result.Run.Outcome;
            await RecordAsync(record.Id, () => journal.MarkDone(record.Id, [SlideEvents.Done(record.Id, record.Path, result.Document)], outcome.RunsTasks ? null : $"{outcome.Status}: {outcome.Reason}"), stoppingToken);
            metrics.SlideDone();
            metrics.Stages(result.Run.Timings);
            ProcessingLog.Done(logger, record.Id, result.Run.Plan.Grid.Tiles.Count, clock.Elapsed.TotalSeconds, result.Directory);
            foreach (var failed in result.Run.Outcomes.Where(o => o.Failed))
            {
                // The slide is done and its result published; a task that failed on it is said here too, for the admin.
                ProcessingLog.TaskFailed(logger, record.Id, failed.Task, failed.Error!);
            }

            TryMove(record.Id, () => files.Done(record.Path, destination));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Left as processing on purpose: the next start requeues it, and its results are rewritten whole.
        }
        catch (IOException e) when (DiskFull.IsStoreUnavailable(e))
        {
            // The store, not the slide: back to pending, and no slide is taken until the pause is over.
            var reason = e.Message;
            var waiting = DiskFull.Is(e) ? $"waiting for space to write its results: {reason}" : $"waiting for the results folder to be writable: {reason}";
            await RecordAsync(record.Id, () => journal.Requeue(record.Id, [SlideEvents.Requeued(record.Id, record.Path, waiting)]), stoppingToken);
            metrics.SlideRequeued(DiskFull.Is(e) ? "disk-full" : "results-store-unavailable");
            Interlocked.Exchange(ref pausedUntilTicks, DateTimeOffset.UtcNow.AddSeconds(options.DiskFullRetrySeconds).UtcTicks);
            if (DiskFull.Is(e))
            {
                ProcessingLog.DiskFull(logger, record.Id, reason, options.DiskFullRetrySeconds);
            }
            else
            {
                ProcessingLog.StoreUnavailable(logger, record.Id, reason, options.DiskFullRetrySeconds);
            }
        }
        catch (Exception e) when (e is SlideException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            await FailAsync(record, e is SlideException ? e.Message : $"{record.Path}: {e.Message}", e switch
            {
                SlideException => "unreadable-slide",
                UnauthorizedAccessException => "permission",
                InvalidDataException => "invalid-data",
                _ => "io",
            }, stoppingToken);
        }
        catch (Exception e)
        {
            ProcessingLog.Unexpected(logger, record.Id, e);
            await FailAsync(record, $"{record.Path}: unexpected error: {e.Message}", "unexpected", stoppingToken);
        }
        finally
        {
            live.Ended(record.Id);
            outbox.Set();
        }
    }

    // The metric's reason is a short fixed word (a label value must not grow without bound); the journal has the text.
    private async Task FailAsync(SlideRecord record, string reason, string metricReason, CancellationToken stoppingToken)
    {
        await RecordAsync(record.Id, () => journal.MarkFailed(record.Id, reason, [SlideEvents.Failed(record.Id, record.Path, reason)]), stoppingToken);
        metrics.SlideFailed(metricReason);
        ProcessingLog.Failed(logger, record.Id, reason);
        TryMove(record.Id, () => files.Failed(record.Path, reason));
    }

    /// <summary>
    /// Writes a slide's end into the journal, waiting while the journal cannot be written (its disk full, locked past
    /// the busy timeout, failing): the outcome is the slide's, the journal's failure is not, so it is never turned
    /// into a failed slide nor into the service's end. The slide keeps its slot meanwhile (no other is taken: it could
    /// not be recorded either); a stop leaves it processing, to be done again at the next start.
    /// </summary>
    private async Task RecordAsync(string slideId, Action write, CancellationToken stoppingToken)
    {
        var waitingSince = (DateTimeOffset?)null;
        var lastSaid = DateTimeOffset.MinValue;
        while (true)
        {
            try
            {
                write();
                if (waitingSince is { } since)
                {
                    ProcessingLog.JournalBack(logger, slideId, journal.DatabasePath, (DateTimeOffset.UtcNow - since).TotalSeconds);
                }

                return;
            }
            catch (JournalUnavailableException e)
            {
                var now = DateTimeOffset.UtcNow;
                waitingSince ??= now;

                // Said at once and then once a minute: a journal that stays broken must not go unnoticed, nor flood the log.
                if (now - lastSaid >= JournalReminder)
                {
                    lastSaid = now;
                    ProcessingLog.SlideWaitsForJournal(logger, slideId, e.Message, options.DiskFullRetrySeconds);
                }

                await Task.Delay(TimeSpan.FromSeconds(options.DiskFullRetrySeconds), stoppingToken);
            }
        }
    }

    private void TryMove(string slideId, Func<string> move)
    {
        string location;
        try
        {
            location = move();
        }
        catch (IOException)
        {
            // The journal already knows the outcome; a file that could not be moved is only left in place.
            return;
        }

        try
        {
            journal.Moved(slideId, location);
        }
        catch (JournalUnavailableException)
        {
            // Only where `edgert status` says the file is; the slide's outcome is recorded.
        }
    }

    /// <summary>Progress to the publisher on every batch, and to the log every tenth of the way.</summary>
    private sealed class ReportedProgress(ILogger logger, string slideId, LiveProgress live, OutboxSignal publisher) : IProgress<EncodingProgress>
    {
        private int lastDecile = -1;

        public void Report(EncodingProgress value)
        {
            live.Report(slideId, new TileProgress(value.TilesDone, value.TilesTotal));
            publisher.Set();
            var decile = value.TilesTotal == 0 ? 10 : value.TilesDone * 10 / value.TilesTotal;
            if (decile != lastDecile)
            {
                lastDecile = decile;
                ProcessingLog.Progress(logger, slideId, value.TilesDone, value.TilesTotal);
            }
        }
    }
}

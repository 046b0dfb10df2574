using System.Diagnostics;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Pipeline.Encoding;
using EdgeRuntime.Slides;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// Takes pending slides from the journal one at a time and processes them. A slide's end (done with its
/// result, or failed with its reason) and the messages that report it are one journal transaction. On a
/// stop the slide in flight is abandoned as it is, still marked processing, and done again at the next start.
/// </summary>
public sealed class ProcessingService(
    SlideJournal journal,
    SlideProcessor processor,
    IFinishedSlides files,
    PendingSlidesSignal work,
    OutboxSignal outbox,
    PipelineMetrics metrics,
    LiveProgress live,
    ProcessingOptions options,
    ILogger<ProcessingService> logger) : BackgroundService
{
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(30);

    /// <summary>Slide being processed now, if any; for status and metrics.</summary>
    public string? Current { get; private set; }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var requeued = journal.RequeueInterrupted();
        if (requeued > 0)
        {
            ProcessingLog.Requeued(logger, requeued);
        }

        var removed = Results.ResultDirectory.RemoveLeftovers(options.ResultsDirectory);
        if (removed > 0)
        {
            ProcessingLog.LeftoversRemoved(logger, removed, options.ResultsDirectory);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (pausedUntil - DateTimeOffset.UtcNow is { Ticks: > 0 } pause)
            {
                // The results disk was full: every slide would meet it too, so none is taken until the wait is over.
                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var record = journal.TakeNext(r => [SlideEvents.Started(r.Id, r.Path, r.Attempts)]);
            if (record is null)
            {
                try
                {
                    await work.WaitAsync(IdleCheck, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            outbox.Set();
            await ProcessOneAsync(record, stoppingToken);
        }
    }

    private async Task ProcessOneAsync(SlideRecord record, CancellationToken stoppingToken)
    {
        using var scope = SlideLogScope.Begin(logger, record.Id);
        Current = record.Id;
        ProcessingLog.Started(logger, record.Id, record.Path, record.Attempts);
        var clock = Stopwatch.StartNew();
        try
        {
            var progress = new ReportedProgress(logger, record.Id, live, outbox);
            var destination = files.DoneDestination(record.Path);
            var result = await processor.ProcessAsync(record.Id, record.Path, progress, stoppingToken, destination);
            journal.MarkDone(record.Id, [SlideEvents.Done(record.Id, record.Path, result.Document)]);
            metrics.SlideFinished(succeeded: true);
            ProcessingLog.Done(logger, record.Id, result.Run.Plan.Grid.Tiles.Count, clock.Elapsed.TotalSeconds, result.Directory);
            foreach (var failed in result.Run.Outcomes.Where(o => !o.Succeeded))
            {
                // The slide is done and its result published; a task that failed on it is said here too, for the admin.
                ProcessingLog.TaskFailed(logger, record.Id, failed.Task, failed.Error!);
            }

            TryMove(() => files.Done(record.Path, destination));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Left as processing on purpose: the next start requeues it, and its results are rewritten whole.
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            var reason = e.Message;
            journal.Requeue(record.Id, [SlideEvents.Requeued(record.Id, record.Path, $"waiting for space to write its results: {reason}")]);
            pausedUntil = DateTimeOffset.UtcNow.AddSeconds(options.DiskFullRetrySeconds);
            ProcessingLog.DiskFull(logger, record.Id, reason, options.DiskFullRetrySeconds);
        }
        catch (Exception e) when (e is SlideException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Fail(record, e is SlideException ? e.Message : $"{record.Path}: {e.Message}");
        }
        catch (Exception e)
        {
            ProcessingLog.Unexpected(logger, record.Id, e);
            Fail(record, $"{record.Path}: unexpected error: {e.Message}");
        }
        finally
        {
            Current = null;
            outbox.Set();
        }
    }

    private void Fail(SlideRecord record, string reason)
    {
        journal.MarkFailed(record.Id, reason, [SlideEvents.Failed(record.Id, record.Path, reason)]);
        metrics.SlideFinished(succeeded: false);
        ProcessingLog.Failed(logger, record.Id, reason);
        TryMove(() => files.Failed(record.Path, reason));
    }

    private static void TryMove(Action move)
    {
        try
        {
            move();
        }
        catch (IOException)
        {
            // The journal already knows the outcome; a file that could not be moved is only left in place.
        }
    }

    /// <summary>Progress to the publisher on every batch, and to the log every tenth of the way.</summary>
    private sealed class ReportedProgress(ILogger logger, string slideId, LiveProgress live, OutboxSignal publisher) : IProgress<EncodingProgress>
    {
        private int lastDecile = -1;

        public void Report(EncodingProgress value)
        {
            live.Report(slideId, value);
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

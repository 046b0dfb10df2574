using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>
/// Takes a complete file from the inbox into the journal: it must open (OpenSlide or a plain image reader);
/// it gets its content-based id; a known id is a duplicate and is not processed again; a file that does not
/// open is recorded as failed, with the reason, and moved to the failed folder. Nothing accepted is lost:
/// the journal has it before the processor is woken.
/// </summary>
public sealed class SlideIntake(SlideOpener opener, SlideJournal journal, InboxFiles files, PendingSlidesSignal processorSignal, IngestMetrics metrics, ILogger<SlideIntake> logger)
{
    /// <summary>Handles one file that has become complete.</summary>
    public void Accept(string path)
    {
        if (!File.Exists(path))
        {
            return; // taken away between becoming complete and now
        }

        string id;
        long size;
        string? failure = null;
        string format = "unknown";
        try
        {
            using var slide = opener.Open(path);
            id = SlideIdentity.Of(path, slide.Info.Properties);
            format = slide.Info.Format;
            size = new FileInfo(path).Length;
        }
        catch (SlideException e)
        {
            failure = e.Reason;
            size = File.Exists(path) ? new FileInfo(path).Length : 0;
            id = SlideIdentity.OfFile(path);
        }

        using var scope = SlideLogScope.Begin(logger, id);
        var (added, record) = journal.Discover(id, path, size, failure is null ? [SlideEvents.Accepted(id, path)] : []);
        if (!added && record.Path == path && (record.State is SlideState.Pending or SlideState.Processing || (record.State == SlideState.Done && !files.MovesFinished)))
        {
            // The same file where it was found, seen again after a restart or a rescan: known, not a duplicate.
            var state = record.State.ToString();
            IngestLog.AlreadyKnown(logger, path, id, state);
            return;
        }

        if (!added)
        {
            metrics.Taken("duplicate");
            IngestLog.Duplicate(logger, path, id, record.State.ToString());
            if (record.State == SlideState.Failed)
            {
                // Content that failed before (under this name or another): back to failed, saying so, rather than
                // left in the inbox where it would never be looked at again.
                files.Failed(path, $"{path}: the same content as {record.Path}, which failed before: {record.Reason ?? failure}");
            }
            else if (record.Path != path)
            {
                // The same content under another name: out of the inbox, so that it is not looked at again.
                files.Done(path);
            }

            return;
        }

        if (failure is not null)
        {
            var reason = $"{path}: {failure}";
            journal.MarkFailed(id, reason, [SlideEvents.Failed(id, path, reason)]);
            files.Failed(path, reason);
            metrics.Taken("refused");
            IngestLog.Refused(logger, id, reason);
            return;
        }

        metrics.Taken("accepted");
        IngestLog.Accepted(logger, id, path, size, format);
        processorSignal.Set();
    }
}

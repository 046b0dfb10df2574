using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
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
internal sealed class SlideIntake(SlideOpener opener, ISlideQueue journal, IOutbox outbox, InboxFiles files, PendingSlidesSignal processorSignal, IngestMetrics metrics, ILogger<SlideIntake> logger)
{
    /// <summary>Handles one entry that has become complete, with no time bound.</summary>
    /// <returns>What came of it.</returns>
    public IntakeOutcome Accept(string path) => Accept(path, Timeout.InfiniteTimeSpan, CancellationToken.None);

    /// <summary>
    /// Handles one entry that has become complete. Only a regular file is opened, by a handle that refuses a link and
    /// cannot block on a pipe; its content is hashed from that handle, up to the size it had, for at most
    /// <paramref name="timeBound"/>; and it must still be the same file once the reader has opened it. Anything else
    /// is refused with a reason note and never read.
    /// </summary>
    /// <returns>What came of it.</returns>
    /// <exception cref="IOException">The file changed while it was being taken, or the journal could not be written: try again later.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="stopping"/> was cancelled.</exception>
    public IntakeOutcome Accept(string path, TimeSpan timeBound, CancellationToken stopping)
    {
        var node = FileNode.Of(path);
        if (node.Kind == FileNodeKind.Missing)
        {
            return IntakeOutcome.Gone; // taken away between becoming complete and now
        }

        if (node.Kind == FileNodeKind.Directory && !path.EndsWith(".mrxs", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(InboxScan.IsMiraxFolder(path) ? null : InboxScan.Folder(path));
        }

        if (node.Kind != FileNodeKind.Regular)
        {
            // Swapped for something else since the scan: refused on the same terms.
            return Refuse(InboxScan.Look(Path.GetDirectoryName(path)!, new HashSet<string>()).Refused.FirstOrDefault(r => r.Path == path));
        }

        using var content = FileNode.OpenRegular(path, 1 << 20);
        var opened = FileNode.Of(content.SafeFileHandle);
        string id;
        long size = opened.Size;
        string? failure = null;
        string format = "unknown";
        try
        {
            using var slide = opener.Open(path);
            id = SlideIdentity.Of(path, slide.Info.Properties);
            format = slide.Info.Format;
        }
        catch (SlideException e)
        {
            failure = e.Reason;
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            bound.CancelAfter(timeBound);
            try
            {
                id = SlideIdentity.Of(content, size, bound.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                metrics.Taken("refused");
                return Refuse(new InboxRefusal(path, $"{path}: {failure}; and its content ({size} bytes) could not be read within the intake's time bound (EdgeRuntime:Inbox:IntakeTimeoutSeconds), so it has no id and is not in the journal.", Movable: true));
            }
        }

        // The reader opened the file by its name: it must still be the one checked and hashed.
        if (!FileNode.Of(path).IsSameFile(opened))
        {
            throw new IOException($"{path}: replaced while it was being taken.");
        }

        using var scope = SlideLogScope.Begin(logger, id);
        var (added, record) = journal.Discover(id, path, size, failure is null ? [SlideEvents.Accepted(id, path)] : []);
        if (!added && record.Path == path && (record.State is SlideState.Pending or SlideState.Processing || (record.State == SlideState.Done && !files.MovesFinished)))
        {
            // The same file where it was found, seen again after a restart or a rescan: known, not a duplicate.
            var state = record.State.ToString();
            IngestLog.AlreadyKnown(logger, path, id, state);
            return IntakeOutcome.Known;
        }

        if (!added)
        {
            metrics.Taken("duplicate");
            IngestLog.Duplicate(logger, path, id, record.State.ToString());

            // Told before the file moves: if the move fails, intake is retried and says it again (at least once).
            outbox.Enqueue([SlideEvents.Duplicate(id, path, record.Path, record.State)]);
            if (record.State == SlideState.Failed)
            {
                // Content that failed before (under this name or another): back to failed, saying so, rather than
                // left in the inbox where it would never be looked at again.
                files.Failed(path, $"{path}: the same content as {record.Path}, which failed before: {record.Reason ?? failure}");
            }
            else
            {
                // The same content under another name, or again under its first name after it was done: out of the
                // inbox, so that it is not looked at again.
                files.Done(path);
            }

            return IntakeOutcome.Duplicate;
        }

        if (failure is not null)
        {
            var reason = $"{path}: {failure}";
            journal.MarkFailed(id, reason, [SlideEvents.Failed(id, path, reason)]);
            files.Failed(path, reason);
            metrics.Taken("refused");
            IngestLog.Refused(logger, id, reason);
            return IntakeOutcome.Failed;
        }

        metrics.Taken("accepted");
        IngestLog.Accepted(logger, id, path, size, format);
        processorSignal.Set();
        return IntakeOutcome.Accepted;
    }

    private IntakeOutcome Refuse(InboxRefusal? refusal)
    {
        if (refusal is null)
        {
            return IntakeOutcome.Gone;
        }

        var at = files.Refuse(refusal);
        IngestLog.NotTaken(logger, refusal.Reason, at);
        return IntakeOutcome.Refused;
    }
}

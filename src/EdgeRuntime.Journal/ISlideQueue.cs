using EdgeRuntime.Journal.Events;

namespace EdgeRuntime.Journal;

/// <summary>
/// The slide queue: every slide's state, oldest pending first. Every state change takes the events that report it,
/// and both are kept in one transaction with the outbox (<see cref="Outbox.IOutbox"/>): a slide is never marked done
/// without its <c>slide.done</c> queued, nor the other way round. Failures are <see cref="JournalUnavailableException"/>
/// or <see cref="JournalLostException"/>, never the store's own.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: the oldest pending slide is taken first.")]
public interface ISlideQueue
{
    /// <summary>Records a newly found slide as pending; returns the existing record if the id is known (the same content dropped again).</summary>
    (bool Added, SlideRecord Record) Discover(string id, string path, long size, IEnumerable<JournalEvent> messages);

    /// <summary>Takes the oldest pending slide and marks it processing, or returns null.</summary>
    SlideRecord? TakeNext(Func<SlideRecord, IEnumerable<JournalEvent>> messages);

    /// <summary>Marks a slide done and queues the messages that report it, atomically.</summary>
    /// <param name="id">The slide.</param>
    /// <param name="messages">The events that report it.</param>
    /// <param name="note">Why a done slide has no analysis (no tissue, not brightfield), shown by <c>edgert status</c>; null when it has.</param>
    void MarkDone(string id, IEnumerable<JournalEvent> messages, string? note = null);

    /// <summary>Marks a slide failed with a reason and queues the messages that report it, atomically.</summary>
    void MarkFailed(string id, string reason, IEnumerable<JournalEvent> messages);

    /// <summary>
    /// Puts a slide being processed back to pending, with <paramref name="messages"/> in the same transaction: its
    /// attempt ended for a reason outside the slide (a full disk), and it is to be taken again.
    /// </summary>
    void Requeue(string id, IEnumerable<JournalEvent> messages);

    /// <summary>Puts slides left in <see cref="SlideState.Processing"/> by a crash back to pending; returns how many.</summary>
    int RequeueInterrupted();

    /// <summary>Records where a slide's file is now (moved to done or failed), for <c>edgert status</c>.</summary>
    void Moved(string id, string location);

    /// <summary>One slide by id.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "The journal's name for it since the first release; callers in C# only.")]
    SlideRecord? Get(string id);

    /// <summary>All slides, newest first.</summary>
    IReadOnlyList<SlideRecord> List();
}

using EdgeRuntime.Journal.Events;

namespace EdgeRuntime.Journal.Outbox;

/// <summary>
/// The outbox of neutral events that sinks drain, each through its own cursor, in order; an event is forgotten once
/// every sink in use has it. Events that report a slide's state change are queued by <see cref="ISlideQueue"/> in the
/// same transaction; the rest (plugin changes) here.
/// </summary>
public interface IOutbox
{
    /// <summary>Queues events that report no slide's state change (plugin changes; metrics are not queued: they are only current).</summary>
    void Enqueue(IEnumerable<JournalEvent> messages);

    /// <summary>
    /// Makes <paramref name="sinks"/> the sinks in use: a new one starts with every event still in the outbox; one no
    /// longer in use stops holding events back.
    /// </summary>
    void UseSinks(IEnumerable<string> sinks);

    /// <summary>The oldest <paramref name="count"/> events that <paramref name="sink"/> has not delivered.</summary>
    IReadOnlyList<JournalEvent> PeekOutbox(string sink, int count);

    /// <summary>Records that <paramref name="sink"/> delivered every event up to <paramref name="sequence"/>; events every sink has are forgotten.</summary>
    void Acknowledge(string sink, long sequence);

    /// <summary>Events not yet delivered by every sink in use.</summary>
    long OutboxLength();

    /// <summary>For each sink in use, the events it has not yet delivered.</summary>
    IReadOnlyDictionary<string, long> OutboxLengths();
}

using EdgeRuntime.Journal.Events;

namespace EdgeRuntime.Journal.Outbox;

/// <summary>
/// A transport that the journal's events leave the box by (MQTT; FHIR to an LIS later). Each sink drains the same
/// outbox through its own cursor, in order, with the same rule: an event counts as delivered only once the
/// transport has confirmed it, so a crash or an outage repeats at most the events not yet confirmed.
/// </summary>
public interface IEventSink
{
    /// <summary>The sink's name, the key of its cursor in the journal (<c>mqtt</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Delivers one event. True once the transport has it; false when the transport refused it (it is tried again
    /// later, and nothing after it is delivered first). A sink returns true for a kind it does not carry.
    /// </summary>
    ValueTask<bool> DeliverAsync(JournalEvent journalEvent, CancellationToken cancellationToken);
}

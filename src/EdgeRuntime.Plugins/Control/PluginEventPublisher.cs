using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Journal.Signals;

namespace EdgeRuntime.Plugins.Control;

/// <summary>Queues plugin events in the journal's outbox and wakes the sinks that drain it.</summary>
internal sealed class PluginEventPublisher(IOutbox journal, OutboxSignal outbox)
{
    public void Publish(params JournalEvent[] messages)
    {
        journal.Enqueue(messages);
        outbox.Set();
    }
}

namespace EdgeRuntime.Journal.Outbox;

/// <summary>Drains the outbox into one sink: in order, each event forgotten by that sink's cursor only once delivered.</summary>
public static class OutboxDrain
{
    private const int Batch = 100;

    /// <summary>Delivers every event <paramref name="sink"/> has not had; stops at the first refusal. Returns the events delivered.</summary>
    public static async Task<int> DrainAsync(IOutbox journal, IEventSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(sink);
        var delivered = 0;
        while (true)
        {
            var batch = journal.PeekOutbox(sink.Name, Batch);
            if (batch.Count == 0)
            {
                return delivered;
            }

            foreach (var journalEvent in batch)
            {
                if (!await sink.DeliverAsync(journalEvent, cancellationToken).ConfigureAwait(false))
                {
                    return delivered;
                }

                journal.Acknowledge(sink.Name, journalEvent.Sequence);
                delivered++;
            }
        }
    }
}

namespace EdgeRuntime.Ingest.Journal;

/// <summary>
/// A message to publish, kept in the journal until the broker acknowledges it. Queued in the same
/// transaction as the state change it reports, so a crash can neither lose it nor report a state that was
/// not recorded.
/// </summary>
/// <param name="Sequence">Order of queueing; assigned by the journal.</param>
/// <param name="Topic">Topic relative to the node's prefix, such as <c>slides/{id}/result</c>.</param>
/// <param name="Payload">UTF-8 JSON.</param>
/// <param name="Retain">Whether the broker keeps it for late subscribers.</param>
/// <param name="CorrelationId">Correlation data (the slide id).</param>
public sealed record OutboxMessage(long Sequence, string Topic, string Payload, bool Retain, string CorrelationId);

using System.Text.Json.Nodes;

namespace EdgeRuntime.Journal.Events;

/// <summary>
/// Something that happened and that systems outside the box must hear of, kept in the journal's outbox until every
/// sink has it. Queued in the same transaction as the state change it reports, so a crash can neither lose it nor
/// report a state that was not recorded. Neutral: a sink (MQTT, FHIR) decides how it looks on its transport.
/// </summary>
/// <param name="Sequence">Order of queueing; assigned by the journal.</param>
/// <param name="Kind">What happened (<see cref="EventKinds"/>).</param>
/// <param name="Subject">What it happened to: the slide id, or <c>plugins</c>.</param>
/// <param name="Correlation">What ties it to a request or a slide (the slide id, an admin request's correlation data).</param>
/// <param name="Data">The facts, as JSON (the slide's file and reason, a result document, a plugin change).</param>
/// <param name="At">When it happened.</param>
public sealed record JournalEvent(long Sequence, string Kind, string Subject, string Correlation, JsonObject Data, DateTimeOffset At);

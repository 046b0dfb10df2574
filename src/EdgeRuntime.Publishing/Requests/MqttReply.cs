using System.Text.Json.Nodes;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>The reply to one request, waiting to be published.</summary>
/// <param name="Topic">The request's response topic, or the default reply topic of its tree.</param>
/// <param name="Payload">The reply body: <c>ok</c>, <c>reason</c> when refused, and the answer.</param>
/// <param name="CorrelationData">The request's correlation data.</param>
internal sealed record MqttReply(string Topic, JsonObject Payload, byte[]? CorrelationData);

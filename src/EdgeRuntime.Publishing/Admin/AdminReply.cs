using System.Text.Json.Nodes;

namespace EdgeRuntime.Publishing.Admin;

/// <summary>The reply to one admin command, waiting to be published.</summary>
/// <param name="Topic">The request's response topic, or the node's default reply topic.</param>
/// <param name="Payload">The reply body: <c>ok</c>, <c>reason</c> on failure, and the command's answer.</param>
/// <param name="CorrelationData">The request's correlation data.</param>
public sealed record AdminReply(string Topic, JsonObject Payload, byte[]? CorrelationData);

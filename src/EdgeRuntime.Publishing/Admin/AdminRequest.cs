namespace EdgeRuntime.Publishing.Admin;

/// <summary>An admin command as it arrived over MQTT 5.</summary>
/// <param name="Command">The command: the topic below <c>{prefix}/{node}/admin/</c>, such as <c>plugins/activate</c>.</param>
/// <param name="Payload">The request body (UTF-8 JSON; may be empty).</param>
/// <param name="ResponseTopic">Where the requester wants the reply (MQTT 5 response topic), if it named one.</param>
/// <param name="CorrelationData">The requester's correlation data, echoed in the reply.</param>
public sealed record AdminRequest(string Command, string Payload, string? ResponseTopic, byte[]? CorrelationData);

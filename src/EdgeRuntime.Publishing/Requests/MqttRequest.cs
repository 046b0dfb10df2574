using EdgeRuntime.Abstractions.Requests;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>A request as it arrived over MQTT 5.</summary>
/// <param name="Name">The request: the topic below <c>{root}/admin/</c> or <c>{root}/requests/</c>, such as <c>plugins/activate</c>.</param>
/// <param name="Payload">The request body (UTF-8 JSON; may be empty).</param>
/// <param name="Role">The role its topic tree grants (the broker's ACL decides who may publish there).</param>
/// <param name="ResponseTopic">Where the requester wants the reply (MQTT 5 response topic), if it named one.</param>
/// <param name="CorrelationData">The requester's correlation data, echoed in the reply.</param>
internal sealed record MqttRequest(string Name, string Payload, CallerRole Role, string? ResponseTopic, byte[]? CorrelationData);

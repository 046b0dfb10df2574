using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>
/// Carries out requests received over MQTT, one at a time, through the <see cref="RequestDispatcher"/> that every
/// transport shares, and replies on the requester's response topic with its correlation data. Every reply carries
/// <c>ok</c>, and <c>reason</c> when the request was refused.
/// </summary>
public sealed class RequestService(MqttOptions options, TopicMap topics, RequestMailbox mailbox, RequestDispatcher dispatcher, ILogger<RequestService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in mailbox.Requests.ReadAllAsync(stoppingToken))
            {
                var correlation = request.CorrelationData is { Length: > 0 } data ? Encoding.UTF8.GetString(data) : "(none)";
                var role = RequestDispatcher.Name(request.Role);
                RequestLog.Received(logger, request.Name, role, correlation);
                var origin = request.Role == CallerRole.Admin ? "mqtt admin" : "mqtt requests";
                var answer = ResponseTopicError(request) is { } wrongTopic ? RequestDispatcher.Refused(wrongTopic)
                    : Body(request) is { } body ? await dispatcher.DispatchAsync(new Request(request.Name, body, request.Role, origin, correlation), stoppingToken)
                    : RequestDispatcher.Refused("payload: not a JSON object.");
                var ok = answer["ok"]?.GetValue<bool>() == true;
                var reason = answer["reason"]?.GetValue<string>() ?? string.Empty;
                RequestLog.Answered(logger, request.Name, correlation, ok, reason);
                mailbox.Reply(ReplyTo(request, answer));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: requests not yet carried out get no reply; the requester's own timeout tells it.
        }
    }

    /// <summary>The "busy" reply for a request the queue had no room for.</summary>
    public MqttReply Busy(MqttRequest request) =>
        ReplyTo(request, RequestDispatcher.Refused($"{options.AdminQueueLength} requests are already waiting; try again shortly."));

    private MqttReply ReplyTo(MqttRequest request, JsonObject answer)
    {
        answer["schemaVersion"] = TopicMap.SchemaVersion;
        answer["command"] = request.Name;
        var topic = !string.IsNullOrEmpty(request.ResponseTopic) && Allowed(request.ResponseTopic, ReplyRoot(request)) ? request.ResponseTopic : ReplyRoot(request);
        return new MqttReply(topic, answer, request.CorrelationData);
    }

    private string ReplyRoot(MqttRequest request) => request.Role == CallerRole.Admin ? topics.AdminReplyRoot : topics.RequestReplyRoot;

    // A reply goes below its role's reply root only: a response topic elsewhere would make the node publish, with
    // its own rights, wherever a requester names (a forged result; an admin reply read by a read-only caller). Such
    // a request is not carried out, and its refusal goes to the reply root.
    private string? ResponseTopicError(MqttRequest request)
    {
        var topic = request.ResponseTopic;
        var root = ReplyRoot(request);
        if (string.IsNullOrEmpty(topic) || Allowed(topic, root))
        {
            return null;
        }

        RequestLog.ResponseTopicRefused(logger, request.Name, topic, root);
        return $"response topic '{topic}' is not below {root}/, where replies to this role go; the request was not carried out.";
    }

    private static bool Allowed(string topic, string root) => TopicMap.IsAtOrBelow(topic, root) && topic.IndexOfAny(['+', '#']) < 0;

    private static JsonObject? Body(MqttRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Payload))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(request.Payload) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>
/// Carries out requests received over MQTT through the <see cref="RequestDispatcher"/> that every transport shares,
/// one at a time per lane (admin, read-only: an admin command never waits behind searches), and replies on the
/// requester's response topic with its correlation data. Every reply carries <c>ok</c>, and <c>reason</c> when the
/// request was refused. A body is read by <see cref="RequestBody"/>, with its bounds, before any handler sees it.
/// </summary>
internal sealed class RequestService(MqttOptions options, TopicMap topics, RequestMailbox mailbox, RequestDispatcher dispatcher, ILogger<RequestService> logger) : BackgroundService
{
    // Correlation data is the requester's (up to 64 KiB in MQTT 5): echoed whole in the reply, but only this much of
    // it reaches the log and the journal's events.
    private const int CorrelationCharacters = 128;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(CarryOutAsync(mailbox.AdminRequests, stoppingToken), CarryOutAsync(mailbox.ReadOnlyRequests, stoppingToken));

    /// <summary>The "busy" reply for a request its lane had no room for.</summary>
    public MqttReply Busy(MqttRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lane = request.Role == CallerRole.Admin ? "admin" : "read-only";
        return ReplyTo(request, RequestDispatcher.Refused($"busy: {mailbox.QueueLength(request.Role)} {lane} requests are already waiting; try again shortly."));
    }

    /// <summary>The refusal of a request turned away before it was queued (a body over the size limit, a name too long).</summary>
    public MqttReply Refusal(MqttRequest request, string reason) => ReplyTo(request, RequestDispatcher.Refused(reason));

    private async Task CarryOutAsync(ChannelReader<MqttRequest> lane, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var request in lane.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var correlation = Correlation(request.CorrelationData);
                var role = RequestDispatcher.Name(request.Role);
                RequestLog.Received(logger, request.Name, role, correlation);
                var origin = request.Role == CallerRole.Admin ? "mqtt admin" : "mqtt requests";
                JsonObject answer;
                try
                {
                    answer = ResponseTopicError(request) is { } wrongTopic ? RequestDispatcher.Refused(wrongTopic)
                        : await dispatcher.DispatchAsync(new Request(request.Name, RequestBody.Read(request.Payload, options.MaxRequestBytes), request.Role, origin, correlation), stoppingToken).ConfigureAwait(false);
                }
                catch (RequestRefusedException e)
                {
                    answer = RequestDispatcher.Refused(e.Message);
                }

                var ok = answer["ok"]?.GetValue<bool>() == true;
                var reason = answer["reason"]?.GetValue<string>() ?? string.Empty;
                RequestLog.Answered(logger, request.Name, correlation, ok, reason);
                mailbox.Reply(ReplyTo(request, answer), request.Role);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: requests not yet carried out get no reply; the requester's own timeout tells it.
        }
    }

    private static string Correlation(byte[]? data)
    {
        if (data is not { Length: > 0 })
        {
            return "(none)";
        }

        var text = Encoding.UTF8.GetString(data.AsSpan(0, Math.Min(data.Length, CorrelationCharacters * 4)));
        return text.Length <= CorrelationCharacters ? text : string.Concat(text.AsSpan(0, CorrelationCharacters), "…");
    }

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
}

using System.Text;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Publishing.Mqtt;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>
/// Requests in and replies out over MQTT 5 request/response. A request's role is its topic tree's:
/// <c>{root}/admin/...</c> is <see cref="CallerRole.Admin"/> (only the admin account may publish there: the embedded
/// broker's ACL, or the shipped Mosquitto ACL), <c>{root}/requests/...</c> is <see cref="CallerRole.ReadOnly"/>.
/// </summary>
internal sealed class MqttRequestTransport(MqttOptions options, TopicMap topics, RequestMailbox mailbox, RequestService service, ILogger<MqttRequestTransport> logger)
{
    /// <summary>Takes a received message as a request, if it is one; never waits (the client's receive loop calls it).</summary>
    public Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.ApplicationMessage;
        if (topics.IsReplyTopic(message.Topic))
        {
            return Task.CompletedTask;
        }

        var (name, role) = TopicMap.IsAtOrBelow(message.Topic, topics.AdminRoot) ? (message.Topic[(topics.AdminRoot.Length + 1)..], CallerRole.Admin)
            : TopicMap.IsAtOrBelow(message.Topic, topics.RequestRoot) ? (message.Topic[(topics.RequestRoot.Length + 1)..], CallerRole.ReadOnly)
            : (string.Empty, CallerRole.ReadOnly);
        if (name.Length == 0)
        {
            return Task.CompletedTask;
        }

        // Bounded here, on the client's receive loop, before a byte is decoded or queued: a lane holds at most its
        // length times the largest body.
        if (RequestBody.NameError(name) is { } wrongName)
        {
            RequestLog.TurnedAway(logger, RequestFields.Quote(name), wrongName);
            mailbox.Reply(service.Refusal(new MqttRequest(RequestFields.Quote(name), string.Empty, role, message.ResponseTopic, message.CorrelationData), wrongName), role);
            return Task.CompletedTask;
        }

        if (message.Payload.Length > options.MaxRequestBytes)
        {
            var tooLarge = RequestBody.TooLarge(message.Payload.Length, options.MaxRequestBytes).Message;
            RequestLog.TurnedAway(logger, name, tooLarge);
            mailbox.Reply(service.Refusal(new MqttRequest(name, string.Empty, role, message.ResponseTopic, message.CorrelationData), tooLarge), role);
            return Task.CompletedTask;
        }

        var request = new MqttRequest(name, message.Payload.IsEmpty ? string.Empty : Encoding.UTF8.GetString(message.Payload), role, message.ResponseTopic, message.CorrelationData);
        if (!mailbox.TryAdd(request))
        {
            RequestLog.Busy(logger, request.Name);
            mailbox.Reply(service.Busy(request), request.Role);
        }

        return Task.CompletedTask;
    }

    /// <summary>Publishes every waiting reply; a reply leaves the queue only once published.</summary>
    public async Task PublishRepliesAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        while (mailbox.TryPeekReply(out var reply))
        {
            await client.PublishAsync(ToMqtt(reply), cancellationToken).ConfigureAwait(false);
            mailbox.Published();
        }
    }

    private static MqttApplicationMessage ToMqtt(MqttReply reply)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(reply.Topic)
            .WithPayload(Encoding.UTF8.GetBytes(EdgeRuntime.Journal.Events.PayloadJson.Write(reply.Payload)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json")
            .WithPayloadFormatIndicator(MqttPayloadFormatIndicator.CharacterData)
            .WithUserProperty("status", Encoding.UTF8.GetBytes(reply.Payload["ok"]?.GetValue<bool>() == true ? "ok" : "refused"))
            .WithMessageExpiryInterval(300);
        if (reply.CorrelationData is { Length: > 0 })
        {
            builder.WithCorrelationData(reply.CorrelationData);
        }

        return builder.Build();
    }
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>Publishing log messages. Event ids 5000–5099.</summary>
internal static partial class PublishingLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on 127.0.0.1:{Port}.")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, int port);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Connected to the MQTT broker {Host}:{Port} as {ClientId}; {Pending} message(s) waiting in the outbox.")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, long pending);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "MQTT broker {Host}:{Port} unreachable ({Reason}); results wait in the outbox, next try in {Seconds:0.#} s.")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason, double seconds);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Lost the MQTT broker while publishing ({Reason}); will reconnect.")]
    public static partial void Lost(ILogger logger, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "The broker refused message {Sequence} on {Topic}: {Reason}; it stays in the outbox.")]
    public static partial void Refused(ILogger logger, long sequence, string topic, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "The MQTT broker refused the subscription to {Filter} ({Reason}): requests there will not reach this node. Check the broker's ACL for the service account.")]
    public static partial void SubscriptionRefused(ILogger logger, string filter, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Embedded broker refused a publish to {Topic} from client {ClientId} (user '{User}'): only the admin user may send admin commands.")]
    public static partial void AdminPublishRefused(ILogger logger, string topic, string clientId, string user);
}

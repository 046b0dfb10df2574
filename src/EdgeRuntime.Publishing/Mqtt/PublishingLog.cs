using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Mqtt;

/// <summary>Publishing log messages. Event ids 5000–5099.</summary>
internal static partial class PublishingLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Endpoints}; {TlsEndpoints}; {Access}.")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, string endpoints, string tlsEndpoints, string access);

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

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Embedded broker refused a publish to {Topic} from client {ClientId} (user '{User}', role {Role}): not granted to that role (docs/architecture.md, roles).")]
    public static partial void PublishRefused(ILogger logger, string topic, string clientId, string user, string role);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Embedded broker refused the connection of client {ClientId} (user '{User}') from {Remote}: {Reason}.")]
    public static partial void BrokerConnectionRefused(ILogger logger, string clientId, string user, string remote, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Embedded broker refused client {ClientId} (user '{User}') the subscription to {Filter}: the admin tree is for the admin account.")]
    public static partial void SubscriptionRefusedByBroker(ILogger logger, string filter, string clientId, string user);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "Another client connected to the broker {Host}:{Port} with this node's client id {ClientId} and took its session over (MQTT 5 reason {Reason}); reconnecting. Check who else uses that id or the service's account.")]
    public static partial void SessionTakenOver(ILogger logger, string host, int port, string clientId, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "The broker {Host}:{Port} disconnected this node (MQTT 5 reason {Reason}: {ReasonString}).")]
    public static partial void DisconnectedByBroker(ILogger logger, string host, int port, string reason, string reasonString);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "TLS to the MQTT broker {Host}:{Port} refused: the broker's certificate '{Subject}' {Problem}. Check EdgeRuntime:Mqtt:Tls:CaFile and ServerName.")]
    public static partial void CertificateRefused(ILogger logger, string host, int port, string subject, string problem);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "This machine has no IPv6 loopback (::1); the embedded broker listens on 127.0.0.1 only.")]
    public static partial void NoIpv6Loopback(ILogger logger);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Error, Message = "The outbox cannot be read or moved on ({Reason}); events wait in it, next try in {Seconds:0.#} s. Free space for, or unlock, EdgeRuntime:Journal:DatabasePath.")]
    public static partial void JournalUnavailable(ILogger logger, string reason, double seconds);
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>The embedded broker's own log messages (connections, limits, its stored state). Event ids 5200–5249.</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "Embedded broker closed a connection from {Remote}: {Reason}.")]
    public static partial void ConnectionClosed(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Embedded broker refused {Count} connection(s) since the last report: {Max} already open (EdgeRuntime:Broker:MaxConnections).")]
    public static partial void TooManyConnections(ILogger logger, long count, int max);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Embedded broker state {Path}: {Sessions} persistent session(s), {Queued} queued message(s), {Retained} retained message(s) restored.")]
    public static partial void StateRestored(ILogger logger, string path, int sessions, int queued, int retained);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Embedded broker: session {ClientId} (user '{User}') expired after {Hours:0.##} h away; {Dropped} queued message(s) dropped.")]
    public static partial void SessionExpired(ILogger logger, string clientId, string user, double hours, int dropped);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Embedded broker: session {ClientId} (user '{User}') resumed with {Subscriptions} subscription(s) and {Queued} queued message(s) kept across a restart.")]
    public static partial void SessionResumed(ILogger logger, string clientId, string user, int subscriptions, int queued);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "Embedded broker: stored session {ClientId} belongs to user '{User}', who is no longer an account; dropped with its {Queued} queued message(s).")]
    public static partial void SessionOfRemovedAccount(ILogger logger, string clientId, string user, int queued);
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>Request log messages. Event ids 5100–5199.</summary>
internal static partial class RequestLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Request {Name} received as {Role} (correlation {Correlation}).")]
    public static partial void Received(ILogger logger, string name, string role, string correlation);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Request {Name} (correlation {Correlation}) answered: ok={Ok} {Reason}")]
    public static partial void Answered(ILogger logger, string name, string correlation, bool ok, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Request {Name} answered busy: its lane of requests is full.")]
    public static partial void Busy(ILogger logger, string name);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Request {Name} refused: its response topic {Topic} is not below {Root}.")]
    public static partial void ResponseTopicRefused(ILogger logger, string name, string topic, string root);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Request {Name} turned away before it was queued: {Reason}")]
    public static partial void TurnedAway(ILogger logger, string name, string reason);
}

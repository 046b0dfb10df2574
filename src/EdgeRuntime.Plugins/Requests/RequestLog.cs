using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Requests;

/// <summary>Request log messages. Event ids 6100–6199.</summary>
internal static partial class RequestLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Error, Message = "Request {Name} failed in {Plugin}; answered as refused, the service goes on.")]
    public static partial void Failed(ILogger logger, Exception exception, string name, string plugin);
}

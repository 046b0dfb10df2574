using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Publishing.Admin;

/// <summary>Admin command log messages. Event ids 5100–5199.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Admin command {Command} received (correlation {Correlation}).")]
    public static partial void Received(ILogger logger, string command, string correlation);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Admin command {Command} (correlation {Correlation}) answered: ok={Ok} {Reason}")]
    public static partial void Answered(ILogger logger, string command, string correlation, bool ok, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Admin command {Command} answered busy: the queue of admin commands is full.")]
    public static partial void Busy(ILogger logger, string command);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Admin command {Command} (correlation {Correlation}) failed.")]
    public static partial void Failed(ILogger logger, Exception exception, string command, string correlation);
}

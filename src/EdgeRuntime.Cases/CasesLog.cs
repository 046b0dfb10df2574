using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cases;

/// <summary>Case identification log messages. Event ids 9100–9119.</summary>
internal static partial class CasesLog
{
    [LoggerMessage(EventId = 9100, Level = LogLevel.Warning, Message = "{File}: case identifiers: {Problem}")]
    public static partial void Problem(ILogger logger, string file, string problem);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "{File}: no case identifier found in {Sources}; the slide is processed and its result says so.")]
    public static partial void NoneFound(ILogger logger, string file, string sources);
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands;

/// <summary>Log messages of the one-shot commands. Event ids 9000–9099.</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Warning, Message = "Passing over {Plugin}: {Reason}")]
    public static partial void PluginVersionSkipped(ILogger logger, string plugin, string reason);
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>Plugin log messages. Event ids 6000–6099.</summary>
internal static partial class PluginLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Activated {Model} with {Prompts}; slides in flight finish on the previous model.")]
    public static partial void Activated(ILogger logger, string model, string prompts);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Refused to activate {Model} with {Prompts}; the active model stays. {Reason}")]
    public static partial void Refused(ILogger logger, string model, string prompts, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Task {Task} loaded from {Path}.")]
    public static partial void TaskLoaded(ILogger logger, string task, string path);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Task plugin {Path}: refused {Reason}")]
    public static partial void TaskRefused(ILogger logger, string path, string reason);
}

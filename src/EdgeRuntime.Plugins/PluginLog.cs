using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>Plugin log messages. Event ids 6000–6099.</summary>
internal static partial class PluginLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Activated model {Model}, prompts {Prompts}, tasks [{Tasks}] ({Origin}); slides in flight finish on what they started with.")]
    public static partial void Activated(ILogger logger, string model, string prompts, string tasks, string origin);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Refused {Plugins} ({Origin}); the active plugins stay. {Reason}")]
    public static partial void Refused(ILogger logger, string plugins, string origin, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Task {Task} loaded from {Path}.")]
    public static partial void TaskLoaded(ILogger logger, string task, string path);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Task plugin {Path}: refused {Reason}")]
    public static partial void TaskRefused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "New plugin version {Plugin} is complete under the plugins root.")]
    public static partial void NewVersion(ILogger logger, string plugin);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "Active plugins file {Path} cannot be read; the active plugins stay. {Reason}")]
    public static partial void ActiveFileUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "Scan of the plugins root {Root} interrupted ({Reason}); looking again at the next round.")]
    public static partial void ScanInterrupted(ILogger logger, string root, string reason);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "Could not record the active plugins in {Path} ({Reason}); they are in effect, but a restart would start with the file's older content.")]
    public static partial void ActiveFileNotWritten(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "The plugin state folder {Path} is locked by another process (a second service with the same state folder?); plugin change requests made at the box may go unanswered.")]
    public static partial void StateLockTaken(ILogger logger, string path);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "Plugin change requests in {Path} cannot be read ({Reason}); looking again shortly.")]
    public static partial void RequestFolderUnreadable(ILogger logger, string path, string reason);
}

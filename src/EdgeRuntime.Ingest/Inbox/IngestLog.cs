using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>Inbox and journal log messages. Event ids 3000–3099.</summary>
internal static partial class IngestLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Watching {Inbox} (quiet period {QuietSeconds} s, rescan every {RescanSeconds} s).")]
    public static partial void Watching(ILogger logger, string inbox, double quietSeconds, double rescanSeconds);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Slide {SlideId} accepted: {Path} ({Size} bytes, {Format}).")]
    public static partial void Accepted(ILogger logger, string slideId, string path, long size, string format);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Slide {SlideId} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string slideId, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Path} is slide {SlideId} again (already {State}); not processed twice.")]
    public static partial void Duplicate(ILogger logger, string path, string slideId, string state);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "{Path} is slide {SlideId}, already {State} in the journal; nothing to do.")]
    public static partial void AlreadyKnown(ILogger logger, string path, string slideId, string state);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "File-system events for {Inbox} were lost ({Reason}); the periodic rescan will catch up.")]
    public static partial void WatcherError(ILogger logger, string inbox, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Could not take {Path} from the inbox ({Reason}); trying again in {Seconds:0.#} s.")]
    public static partial void IntakeError(ILogger logger, string path, string reason, double seconds);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Not taken: {Reason} Now at {Location}; its reason note is in the failed folder.")]
    public static partial void NotTaken(ILogger logger, string reason, string location);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Error, Message = "Taking {Path} from the inbox failed unexpectedly; trying again in {Seconds:0.#} s.")]
    public static partial void IntakeUnexpected(ILogger logger, string path, double seconds, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "{FailedPath} changed since it failed: taken again as {InboxPath}.")]
    public static partial void RetakingFailed(ILogger logger, string failedPath, string inboxPath);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Could not take {FailedPath} again: {Reason}; will retry.")]
    public static partial void RetakeError(ILogger logger, string failedPath, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Critical, Message = "{Reason}")]
    public static partial void JournalLost(ILogger logger, string reason);
}

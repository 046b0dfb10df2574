using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Runtime.Processing;

/// <summary>Processing log messages. Event ids 4000–4099.</summary>
internal static partial class ProcessingLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Slide {SlideId} processing: {Path} (attempt {Attempt}).")]
    public static partial void Started(ILogger logger, string slideId, string path, int attempt);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Slide {SlideId} done: {Tiles} tiles in {Seconds:0.0} s, results in {Directory}.")]
    public static partial void Done(ILogger logger, string slideId, int tiles, double seconds, string directory);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Slide {SlideId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string slideId, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Slide {SlideId}: {Done}/{Total} tiles.")]
    public static partial void Progress(ILogger logger, string slideId, int done, int total);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{Count} slide(s) interrupted by {How} will be processed again: {SlideIds}.")]
    public static partial void Requeued(ILogger logger, int count, string how, string slideIds);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "Slide {SlideId} failed on an unexpected error; the service goes on.")]
    public static partial void Unexpected(ILogger logger, string slideId, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Slide {SlideId}: task {Task} failed ({Reason}); its result records it, the other tasks' outputs stand.")]
    public static partial void TaskFailed(ILogger logger, string slideId, string task, string reason);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Slide {SlideId}: no space left writing its results ({Reason}); it stays queued, and slides are taken again in {Seconds:0.#} s. Free space in EdgeRuntime:Processing:ResultsDirectory.")]
    public static partial void DiskFull(ILogger logger, string slideId, string reason, double seconds);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "Removed {Count} half-written result folder(s) an interrupted run left in {Directory}.")]
    public static partial void LeftoversRemoved(ILogger logger, int count, string directory);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Slide {SlideId}: the results folder cannot be written ({Reason}); it stays queued, and slides are taken again in {Seconds:0.#} s. Make EdgeRuntime:Processing:ResultsDirectory writable.")]
    public static partial void StoreUnavailable(ILogger logger, string slideId, string reason, double seconds);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Could not look for half-written result folders in {Directory} ({Reason}); slides wait until it can be written.")]
    public static partial void LeftoversKept(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Could not mark this run as stopped cleanly in the journal ({Reason}); the next start will report an unclean stop.")]
    public static partial void RunNotMarked(ILogger logger, string reason);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Slide {SlideId}: the journal cannot record how it ended ({Reason}); nothing is lost: it is kept as it is and recorded as soon as the journal can be written (next try in {Seconds:0.#} s). Free space for, or unlock, EdgeRuntime:Journal:DatabasePath.")]
    public static partial void SlideWaitsForJournal(ILogger logger, string slideId, string reason, double seconds);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Slide {SlideId}: recorded in the journal {Path} after waiting {Seconds:0} s for it.")]
    public static partial void JournalBack(ILogger logger, string slideId, string path, double seconds);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Error, Message = "No slide can be taken: {Reason}; pending slides wait, next try in {Seconds:0.#} s. Free space for, or unlock, EdgeRuntime:Journal:DatabasePath.")]
    public static partial void JournalUnavailable(ILogger logger, string reason, double seconds);
}

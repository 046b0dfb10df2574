using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Lis.Delivery;

/// <summary>LIS transport log messages. Event ids 9120–9149.</summary>
internal static partial class LisLog
{
    [LoggerMessage(EventId = 9120, Level = LogLevel.Information, Message = "LIS sink {Sink} delivers to {Target}.")]
    public static partial void Started(ILogger logger, string sink, string target);

    [LoggerMessage(EventId = 9121, Level = LogLevel.Warning, Message = "LIS sink {Sink}: {Target} unavailable ({Reason}); results wait in the outbox, next try in {Seconds:0.#} s.")]
    public static partial void Unavailable(ILogger logger, string sink, string target, string reason, double seconds);

    [LoggerMessage(EventId = 9122, Level = LogLevel.Error, Message = "LIS sink {Sink}: {Target} refused the result of slide {SlideId}: {Reason}. Kept in {Path}; later results go on.")]
    public static partial void Refused(ILogger logger, string sink, string target, string slideId, string reason, string path);

    [LoggerMessage(EventId = 9123, Level = LogLevel.Information, Message = "LIS sink {Sink}: slide {SlideId} delivered to {Target}.")]
    public static partial void Delivered(ILogger logger, string sink, string slideId, string target);

    [LoggerMessage(EventId = 9124, Level = LogLevel.Error, Message = "LIS sink {Sink}: the result of slide {SlideId} cannot be sent: {Reason}. Kept in {Path}; later results go on.")]
    public static partial void Unreadable(ILogger logger, string sink, string slideId, string reason, string path);

    [LoggerMessage(EventId = 9125, Level = LogLevel.Error, Message = "LIS sink {Sink}: delivering to {Target} failed ({Reason}); results wait in the outbox, next try in {Seconds:0.#} s.")]
    public static partial void Failed(ILogger logger, string sink, string target, string reason, double seconds);
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Slides.DirectJpeg;

internal static partial class DirectJpegLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "{Path}: JPEG tiles of {Levels} of {Total} levels decoded directly with libjpeg-turbo (DCT scaling {Scaling})")]
    public static partial void Direct(ILogger logger, string path, int levels, int total, string scaling);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "{Path}: read through OpenSlide, not directly: {Reason}")]
    public static partial void NotDirect(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "{Path}: direct JPEG reading failed ({Reason}); OpenSlide reads the rest of this slide")]
    public static partial void FellBack(ILogger logger, string path, string reason);
}

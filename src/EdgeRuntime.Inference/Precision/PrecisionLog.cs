using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Inference.Precision;

/// <summary>The int8 gate's log messages. Event ids 2010–2019 (inference's range).</summary>
internal static partial class PrecisionLog
{
    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Image encoder of {ModelId} {Version} runs int8 ({Int8File}, SHA-256 {Int8Sha256}): its gate passed on {Tiles} tiles from {Sources}, cosine to float min {CosineMin:F5}, mean {CosineMean:F5}, bound {Bound}; {SpeedUp:F2} times as fast as float (minimum {MinSpeedUp}); {Labelled}.")]
    public static partial void Int8Adopted(ILogger logger, string modelId, string version, string int8File, string int8Sha256, int tiles, IReadOnlyList<string> sources, double cosineMin, double cosineMean, double bound, double speedUp, double minSpeedUp, string labelled);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Image encoder of {ModelId} {Version} keeps float: {Reason} (gate: {Tiles} tiles, cosine to float min {CosineMin:F5}, mean {CosineMean:F5}, bound {Bound}; speed-up {SpeedUp:F2}, minimum {MinSpeedUp}; {Labelled}; {GateFile}).")]
    public static partial void GateFailed(ILogger logger, string modelId, string version, string reason, int tiles, double cosineMin, double cosineMean, double bound, double speedUp, double minSpeedUp, string labelled, string gateFile);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Image encoder of {ModelId} {Version} keeps float: EdgeRuntime:Inference:Precision is float.")]
    public static partial void FloatConfigured(ILogger logger, string modelId, string version);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Information, Message = "Image encoder of {ModelId} {Version} keeps float: it runs on the {Provider} provider; the int8 copy is for the CPU provider.")]
    public static partial void FloatOnProvider(ILogger logger, string modelId, string version, string provider);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Information, Message = "Image encoder of {ModelId} {Version} keeps its {Precision} graph: only float32 graphs are quantised.")]
    public static partial void NotQuantised(ILogger logger, string modelId, string version, string precision);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Image encoder of {ModelId} {Version} runs float while its int8 copy is built and gated in the background ({Folder}); the next activation adopts it if the gate passes.")]
    public static partial void BuildingInBackground(ILogger logger, string modelId, string version, string folder);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning, Message = "Image encoder of {ModelId} {Version} keeps float: its int8 copy could not be made or gated: {Reason}.")]
    public static partial void Int8Unavailable(ILogger logger, string modelId, string version, string reason);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Information, Message = "Image encoder of {ModelId} {Version} keeps float: no slides to gate an int8 copy on yet (EdgeRuntime:Inference:Int8GateSlides names none, or none with tissue tiles, such as an empty done folder); it is judged again at the next activation.")]
    public static partial void NoGateSlides(ILogger logger, string modelId, string version);
}

using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Inference.Onnx;

/// <summary>Inference log messages. Event ids 2000–2099.</summary>
internal static partial class InferenceLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Execution provider {Provider} is not available for {Graph} ({Reason}); trying {Next}.")]
    public static partial void ProviderUnavailable(ILogger logger, string provider, string graph, string reason, string next);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "{Graph} runs on {Provider} with {IntraOpThreads} intra-op threads.")]
    public static partial void SessionCreated(ILogger logger, string graph, string provider, int intraOpThreads);

    // Debug, not a warning: on a CPU-only box every command would say it. The service says it once at start
    // (Hosting/StartupLog in the CLI), and `edgert models check --providers` says why; there it helps.
    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Execution provider {Provider} cannot run here: {Reason}; running on {Next} (edgert models check --providers; docs/gpu.md).")]
    public static partial void ProviderMissing(ILogger logger, string provider, string reason, string next);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Model package {ModelId} {Version} loaded from {Directory} (manifest SHA-256 {Sha256}).")]
    public static partial void PackageLoaded(ILogger logger, string modelId, string version, string directory, string sha256);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Model {ModelId} {Version}: text tower opened at its first use (a text not in the class-embedding cache, or a text query).")]
    public static partial void TextTowerOpenedAtFirstUse(ILogger logger, string modelId, string version);
}

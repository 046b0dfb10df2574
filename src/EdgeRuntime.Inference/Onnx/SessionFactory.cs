using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions on the first configured execution provider that works. A GPU provider whose
/// libraries are not installed (<see cref="ProviderProbe"/>) is passed over with one line, once per process, saying
/// which library is missing; one that ONNX Runtime still refuses (a driver too old, no device) falls back with a
/// warning naming its error. CPU always works.
/// </summary>
public sealed class SessionFactory(InferenceOptions options, ILogger logger)
{
    private static readonly ConcurrentDictionary<string, bool> Reported = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A session and the provider it runs on.</summary>
    /// <param name="Session">The session; the caller disposes it.</param>
    /// <param name="Provider">The execution provider in use.</param>
    public sealed record Created(InferenceSession Session, string Provider);

    /// <summary>Creates a session for <paramref name="modelPath"/>; <paramref name="graphName"/> names it in logs.</summary>
    public Created Create(string modelPath, string graphName)
    {
        var providers = options.EffectiveProviders;
        for (var i = 0; ; i++)
        {
            var provider = providers[i];
            if (provider != "CPU" && ProviderProbe.WhyNot(provider) is { } missing)
            {
                if (Reported.TryAdd(provider, true))
                {
                    InferenceLog.ProviderMissing(logger, provider, missing, providers[i + 1]);
                }

                continue;
            }

            var sessionOptions = OptionsFor(provider);
            try
            {
                AppendProvider(sessionOptions, provider);
                var session = new InferenceSession(modelPath, sessionOptions);
                InferenceLog.SessionCreated(logger, graphName, provider, options.EffectiveIntraOpThreads);
                return new Created(session, provider);
            }
            catch (Exception e) when (provider != "CPU" && e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException or NotSupportedException)
            {
                InferenceLog.ProviderUnavailable(logger, provider, graphName, e.Message.Split('\n')[0], providers[i + 1]);
            }
            finally
            {
                sessionOptions.Dispose();
            }
        }
    }

    /// <summary>
    /// The session options of an attempt on <paramref name="provider"/>. A GPU attempt that fails is reported once, by
    /// our logger with ONNX Runtime's reason (<see cref="InferenceLog.ProviderUnavailable"/>), before the next provider
    /// is tried: ONNX Runtime's own logger is kept to fatal errors for it, or it also printed its error line
    /// (<c>[E:onnxruntime:…]</c>) straight to standard error, under a run that then succeeded on the CPU. The CPU
    /// session, the last resort, keeps ONNX Runtime's default warnings.
    /// </summary>
    internal SessionOptions OptionsFor(string provider)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.EffectiveIntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        foreach (var (key, value) in ConfigEntries(options))
        {
            sessionOptions.AddSessionConfigEntry(key, value);
        }

        if (!string.Equals(provider, "CPU", StringComparison.OrdinalIgnoreCase))
        {
            sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        }

        return sessionOptions;
    }

    /// <summary>ONNX Runtime's session configuration entries these options call for (its documented keys).</summary>
    internal static IReadOnlyList<(string Key, string Value)> ConfigEntries(InferenceOptions options) =>
        options.IntraOpSpinning ? [] : [("session.intra_op.allow_spinning", "0")];

    private void AppendProvider(SessionOptions sessionOptions, string provider)
    {
        switch (provider.ToUpperInvariant())
        {
            case "CUDA":
                sessionOptions.AppendExecutionProvider_CUDA(options.DeviceId);
                break;
            case "TENSORRT":
                sessionOptions.AppendExecutionProvider_Tensorrt(options.DeviceId);
                break;
            default:
                break; // CPU is always registered by ONNX Runtime.
        }
    }
}

using EdgeRuntime.Inference.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Onnx;

/// <summary>
/// A GPU session attempt that fails is reported by our logger once, with ONNX Runtime's reason; ONNX Runtime's own
/// logger is kept to fatal errors for that attempt. Before, an <c>[E:onnxruntime:… GetElementType is not
/// implemented]</c> line came out on standard error during an <c>edgert process</c> that then succeeded on the CPU.
/// What a GPU's failure prints cannot be made here (no GPU); the options each attempt is made with can.
/// </summary>
public sealed class SessionFactoryLogTests
{
    private readonly SessionFactory factory = new(new InferenceOptions(), NullLogger.Instance);

    [Theory]
    [InlineData("CUDA")]
    [InlineData("TensorRT")]
    public void A_gpu_attempt_keeps_onnx_runtimes_own_logger_to_fatal_errors(string provider)
    {
        using var options = factory.OptionsFor(provider);
        Assert.Equal(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, options.LogSeverityLevel);
    }

    [Fact]
    public void The_cpu_session_keeps_onnx_runtimes_default_warnings()
    {
        using var options = factory.OptionsFor("CPU");
        using var defaults = new SessionOptions();
        Assert.Equal(defaults.LogSeverityLevel, options.LogSeverityLevel);
        Assert.NotEqual(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, options.LogSeverityLevel);
    }
}

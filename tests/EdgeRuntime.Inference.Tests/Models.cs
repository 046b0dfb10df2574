using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Inference.Tests;

internal static class Models
{
    public static InferenceOptions CpuOptions { get; } = new() { ExecutionProviders = ["CPU"], IntraOpThreads = 2 };

    public static ModelPackage Load(string directory, InferenceOptions? options = null) =>
        ModelPackage.Load(directory, options ?? CpuOptions, NullLogger.Instance);

    public static double Cosine(ReadOnlySpan<float> a, IReadOnlyList<double> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}

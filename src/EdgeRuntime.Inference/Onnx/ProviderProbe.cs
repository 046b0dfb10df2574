using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Onnx;

/// <summary>
/// Whether a GPU execution provider can work on this machine, found out before ONNX Runtime is asked to use it.
/// ONNX Runtime's own attempt, when a CUDA library is missing, writes several lines of native errors to stderr and
/// then throws; asking the dynamic loader for the libraries the provider links against (read off the 1.31.0
/// package with <c>readelf -d</c>) gives one reason instead, naming the first library that is missing.
/// </summary>
public static class ProviderProbe
{
    // libonnxruntime_providers_cuda.so of Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 needs CUDA 13 and loads cuDNN 9;
    // the TensorRT provider adds TensorRT 10.
    private static readonly (string Library, string What)[] Cuda =
    [
        ("libcuda.so.1", "the NVIDIA driver"),
        ("libcudart.so.13", "the CUDA 13 runtime"),
        ("libcublasLt.so.13", "cuBLAS of CUDA 13"),
        ("libcublas.so.13", "cuBLAS of CUDA 13"),
        ("libcurand.so.10", "cuRAND of CUDA 13"),
        ("libcudnn.so.9", "cuDNN 9"),
    ];

    private static readonly (string Library, string What)[] TensorRt = [.. Cuda, ("libnvinfer.so.10", "TensorRT 10"), ("libnvonnxparser.so.10", "TensorRT 10's ONNX parser")];

    private static readonly ConcurrentDictionary<string, string?> Answers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The ONNX Runtime providers this build has (whether or not their libraries are installed).</summary>
    public static IReadOnlyList<string> Built => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>Null if <paramref name="provider"/> can be tried here; otherwise why not, in one sentence.</summary>
    public static string? WhyNot(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return Answers.GetOrAdd(provider, Probe);
    }

    private static string? Probe(string provider)
    {
        var (name, libraries) = provider.ToUpperInvariant() switch
        {
            "CUDA" => ("CUDAExecutionProvider", Cuda),
            "TENSORRT" => ("TensorrtExecutionProvider", TensorRt),
            _ => (string.Empty, Array.Empty<(string, string)>()),
        };
        if (name.Length == 0)
        {
            return null; // CPU
        }

        if (!Built.Contains(name))
        {
            return "this build uses ONNX Runtime's CPU-only package (built with -p:OnnxRuntimeFlavour=Cpu)";
        }

        foreach (var (library, what) in libraries)
        {
            if (!NativeLibrary.TryLoad(library, out var handle))
            {
                return $"{library} ({what}) is not installed or not on the library path";
            }

            NativeLibrary.Free(handle);
        }

        return null;
    }
}

using System.Diagnostics;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// Writes a package's int8 image encoder with tools/quantize-model.py (shipped beside edgert): the same dynamic
/// quantisation ONNX Runtime's quantiser ends in (DynamicQuantizeMatMul, int8 weights per output column). ONNX
/// Runtime's C# API has no quantiser, and its Python one is not in Debian; Debian's python3-onnx is.
/// </summary>
internal static class Int8Quantizer
{
    /// <summary>The Python with onnx and numpy: <c>EDGERT_PYTHON</c>, else Debian's.</summary>
    public static string Python => Environment.GetEnvironmentVariable("EDGERT_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>The quantiser shipped beside the executable.</summary>
    public static string Script => Path.Combine(AppContext.BaseDirectory, "tools", "quantize-model.py");

    /// <summary>Writes <paramref name="graph"/>; throws <see cref="InvalidOperationException"/> saying why it could not.</summary>
    public static async Task WriteAsync(string packageDirectory, string graph, CancellationToken cancellationToken)
    {
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"the quantiser {Script} is missing (it ships beside edgert)");
        }

        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Script, packageDirectory, "--graph-out", graph })
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{Python} could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{Python} could not be started ({e.Message}); set EDGERT_PYTHON to a Python with onnx and numpy", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                var last = (await stderr.ConfigureAwait(false)).Trim().Split('\n').LastOrDefault(l => l.Length > 0) ?? $"exited {process.ExitCode}";
                throw new InvalidOperationException($"tools/quantize-model.py failed: {last.Replace("quantize-model: ", "", StringComparison.Ordinal)}");
            }
        }
    }
}

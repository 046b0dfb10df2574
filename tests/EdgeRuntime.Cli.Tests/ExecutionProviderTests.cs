using System.Diagnostics;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// The GPU build of ONNX Runtime on a machine without CUDA (this one: no NVIDIA driver): every session runs on CPU
/// and the fallback is one line naming the missing library, not ONNX Runtime's native errors. A real child
/// process, because which providers were tried and reported is decided once per process. On a box where the
/// probe finds CUDA, the same command must run on it instead.
/// </summary>
public sealed class ExecutionProviderTests
{
    [Fact]
    public void Without_cuda_the_gpu_build_runs_on_cpu_and_says_why_in_one_line()
    {
        var (code, stdout, stderr) = Run("models", "check", ReferenceModels.Package(ReferenceModels.Tiny), "--providers");
        Assert.True(code == 0, stderr);
        Assert.Contains("built with TensorrtExecutionProvider, CUDAExecutionProvider, CPUExecutionProvider", stdout); // the GPU package, not the CPU one
        if (ProviderProbe.WhyNot("CUDA") is null)
        {
            Assert.Contains("Runs on:     CUDA", stdout);
            return;
        }

        Assert.Contains("Runs on:     CPU", stdout);
        Assert.Contains("CUDA      not here: libcuda.so.1 (the NVIDIA driver)", stdout);

        // Said once, in the report asked for; nothing on standard error, and nothing from ONNX Runtime's own logger.
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public void A_cpu_only_box_gets_no_gpu_warning_on_an_ordinary_command()
    {
        // The shipped appsettings.json lists CUDA first; on a box without it, only `models check --providers` and the
        // service's start-up log say so, not every command.
        var (code, stdout, stderr) = Run("models", "check", ReferenceModels.Package(ReferenceModels.Tiny));
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("CUDA", stderr);
        Assert.DoesNotContain("CUDA", stdout);
    }

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgert.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}

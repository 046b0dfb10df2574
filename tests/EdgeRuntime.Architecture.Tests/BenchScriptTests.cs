using System.Diagnostics;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Architecture.Tests;

/// <summary>
/// The bench's scripts run only by hand or on a quiet box, never in CI, so a change in the tools they import broke
/// them unseen: `bench/full_size_vision_language.py` read CONCH's and KEP's published configurations from a module
/// they had moved out of, and `bench/families.sh conch` failed on the day it was needed. These checks load every
/// bench script against the repository as it is, without running a benchmark.
/// </summary>
public sealed class BenchScriptTests
{
    private static string Bench => Path.Combine(TestData.RepoRoot, "bench");

    public static TheoryData<string> ShellScripts() => [.. ShellScriptNames()];

    public static TheoryData<string> PythonScripts() => [.. PythonScriptNames()];

    private static string[] ShellScriptNames() =>
        [.. Directory.EnumerateFiles(Bench).Where(f => File.ReadLines(f).FirstOrDefault()?.StartsWith("#!/usr/bin/env bash", StringComparison.Ordinal) == true).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    private static string[] PythonScriptNames() =>
        [.. Directory.EnumerateFiles(Bench, "*.py").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ShellScripts))]
    public void A_bench_shell_script_parses(string script)
    {
        var (code, error) = Run("bash", "-n", Path.Combine(Bench, script));
        Assert.True(code == 0, $"bench/{script}: {error}");
    }

    [Theory]
    [MemberData(nameof(PythonScripts))]
    public void A_bench_python_script_loads_against_the_tools_it_imports(string script)
    {
        // A script with a main guard is imported under another name: its tables and imports are evaluated, its
        // benchmark is not run. One without is only compiled (importing it would run it).
        var path = Path.Combine(Bench, script);
        var guarded = File.ReadAllText(path).Contains("if __name__ == \"__main__\":", StringComparison.Ordinal);
        var code = guarded
            ? "import importlib.util, sys; p = sys.argv[1]; s = importlib.util.spec_from_file_location('bench_script', p); m = importlib.util.module_from_spec(s); s.loader.exec_module(m)"
            : "import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)";
        var (exit, error) = Run(ExternalTool.DebianPython, "-c", code, path);
        Assert.True(exit == 0, $"bench/{script}: {error}");
    }

    [Fact]
    public void The_bench_has_scripts_of_both_kinds()
    {
        // Guards the two theories above against an empty list (a moved folder would make them pass vacuously).
        Assert.Contains("families.sh", ShellScriptNames());
        Assert.Contains("full_size_vision_language.py", PythonScriptNames());
    }

    private static (int Code, string Error) Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = TestData.RepoRoot };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, error.GetAwaiter().GetResult() + output.GetAwaiter().GetResult());
    }
}

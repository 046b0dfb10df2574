using System.Diagnostics;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// <c>edgert</c> as a child process, for what an in-process run cannot vary safely while other tests run: the
/// environment and the working folder.
/// </summary>
internal static class EdgertProcess
{
    public static (int ExitCode, string Out, string Error) Run(IReadOnlyDictionary<string, string>? environment, string? workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgert.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}

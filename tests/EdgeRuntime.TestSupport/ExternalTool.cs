using System.Diagnostics;

namespace EdgeRuntime.TestSupport;

/// <summary>Runs reference tools (Debian's python3 with Pillow, vips) that give tests independent golden values.</summary>
public static class ExternalTool
{
    /// <summary>Debian's interpreter, which has python3-pil and python3-numpy; a PATH python3 may be another one.</summary>
    public const string DebianPython = "/usr/bin/python3";

    /// <summary>Runs a command and returns its standard output; fails the test with its stderr if it exits non-zero.</summary>
    public static string Run(string fileName, IEnumerable<string> arguments, string? stdin = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}");
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var stdout = stdoutTask.GetAwaiter().GetResult();
        var stderr = stderrTask.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr}");
        }

        return stdout;
    }

    /// <summary>Runs a Python script with Debian's interpreter.</summary>
    public static string Python(string script, params string[] arguments) =>
        Run(DebianPython, new[] { "-c", script }.Concat(arguments));
}

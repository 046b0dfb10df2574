using System.Diagnostics;
using System.Text;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// <c>edgert run</c> as a real child process (so that it can be killed with SIGKILL like a crash), with its
/// output kept for the test's failure message.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    /// <summary>Starts <c>dotnet edgert.dll run --config <paramref name="configPath"/></c>.</summary>
    public ServiceProcess(string edgertDll, string configPath)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };

        // Many services run at once in the tests: each operations endpoint takes a free port, which its log names.
        info.Environment["EdgeRuntime__Operations__Port"] = "0";

        // The float graph unless a test asks otherwise: the int8 copy is built in the background once the done folder
        // has slides and adopted at the next activation, so a restart or a swap would change a test's numbers
        // mid-run. The int8 path has its own tests (Int8GateTests, PrecisionProvenanceTests).
        if (!info.Environment.ContainsKey("EdgeRuntime__Inference__Precision"))
        {
            info.Environment["EdgeRuntime__Inference__Precision"] = "float";
        }
        foreach (var a in new[] { edgertDll, "run", "--config", configPath })
        {
            info.ArgumentList.Add(a);
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("edgert did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Its peak resident memory so far (VmHWM from /proc), in bytes; 0 once it has exited.</summary>
    public long PeakResidentBytes => Status("VmHWM:");

    /// <summary>Its resident memory now (VmRSS from /proc), in bytes; 0 once it has exited.</summary>
    public long ResidentBytes => Status("VmRSS:");

    private long Status(string key)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>Whether it is still running.</summary>
    public bool Running => !process.HasExited;

    /// <summary>SIGKILL: the crash a power cut or the OOM killer causes.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>
    /// SIGSTOP: the process holds still (its sockets stay, nothing it would send goes out), so a test can order
    /// what other parties do before the service's next step. <see cref="Resume"/> lets it go on.
    /// </summary>
    public void Pause() => Signal("-STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal("-CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("/bin/kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd stops a service; returns the exit code.</summary>
    public int Stop(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

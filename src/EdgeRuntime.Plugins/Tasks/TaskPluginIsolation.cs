using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// Verifies a task plugin version in a child <c>edgert</c> process before anything of it enters this one. Loading a
/// plugin runs the .NET host's native dependency resolver over its <c>.deps.json</c>, the plugin's constructors and
/// its registration: any of them can abort the process natively (a junk <c>deps.json</c> does), hang, or allocate
/// without bound, and no <c>catch</c> can stop that in-process. So the version is copied to a private snapshot
/// (<see cref="PluginSnapshot"/>), checked against the allow-list, loaded in a child under a time limit and a memory
/// limit, and only the verified snapshot is then loaded here. The child's end is translated into words: a verdict,
/// a crash with its signal, the time limit, the memory limit.
/// </summary>
public static class TaskPluginIsolation
{
    /// <summary>The hidden <c>edgert</c> command that loads one task plugin assembly and prints its verdict.</summary>
    public const string ChildCommand = "verify-task-plugin-in-child";

    /// <summary>Exit code of the child when the plugin used more memory than it was given.</summary>
    public const int MemoryExitCode = 70;

    private const int MaxCapture = 64 * 1024;

    /// <summary>
    /// Snapshots, allow-list checks and verifies <paramref name="plugin"/>; returns the verified assembly in the
    /// snapshot and the version's digest. A verdict is kept beside the snapshot: a version verified once is not
    /// verified again until its files change, and <c>edgert plugins list</c> shows why a version was refused.
    /// </summary>
    /// <exception cref="InvalidDataException">The version is refused; the message names it and says why.</exception>
    public static (string Assembly, string Hash) Verify(PluginRef plugin, PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(options);
        var (snapshot, hash, _) = PluginSnapshot.Take(plugin, options);
        PluginAllowList.Check(options, hash, $"{plugin} ({plugin.Directory(options.Root)})"); // nothing not allowed runs, not even in the child
        var assembly = plugin.DefiningFile(options.Root);
        var inSnapshot = Path.Combine(snapshot, Path.GetRelativePath(plugin.Directory(options.Root), assembly));
        var verdictFile = snapshot + ".verdict.json";
        if (ReadVerdict(verdictFile) is { Ok: true })
        {
            return (inSnapshot, hash);
        }

        // The child names the snapshot; the admin knows the folder in the plugins root.
        var reason = RunChild(inSnapshot, options)?.Replace(snapshot, plugin.Directory(options.Root), StringComparison.Ordinal);
        WriteVerdict(verdictFile, plugin, reason);
        return reason is null ? (inSnapshot, hash) : throw new InvalidDataException($"{plugin}: {reason}");
    }

    /// <summary>Why <paramref name="plugin"/>'s present files were refused at their last verification, or null (never refused, or changed since).</summary>
    public static string? RecordedRefusal(PluginRef plugin, PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var directory = plugin.Directory(options.Root);
            PluginRealPath.CheckTreeInside(options.Root, directory);
            return ReadVerdict(PluginSnapshot.VerdictFile(options, PluginHash.OfFolder(directory))) is { Ok: false } verdict ? verdict.Reason : null;
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Loads <paramref name="assembly"/> in a child process; null when it loaded, else why not, in words.</summary>
    public static string? RunChild(string assembly, PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RunChild([ChildCommand, assembly], new ChildLimits(options.VerifyMemoryMiB, $"{PluginOptions.Section}:{nameof(PluginOptions.VerifyMemoryMiB)}", options.VerifyTimeoutSeconds, $"{PluginOptions.Section}:{nameof(PluginOptions.VerifyTimeoutSeconds)}"));
    }

    /// <summary>The bounds a verification child runs under, with the configuration keys that set them (for the reasons).</summary>
    internal sealed record ChildLimits(int MemoryMiB, string MemoryKey, double TimeoutSeconds, string TimeoutKey);

    /// <summary>
    /// Runs <c>edgert</c> with <paramref name="arguments"/> (a hidden verification command) under <paramref name="limits"/>;
    /// null when its last line of output is <c>{"ok":true}</c>, else why not, in words.
    /// </summary>
    internal static string? RunChild(IReadOnlyList<string> arguments, ChildLimits limits)
    {
        var limit = (long)limits.MemoryMiB * 1024 * 1024;
        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        var command = new List<string>();
        if (File.Exists(Prlimit))
        {
            // The data segment bounds native allocations too (the managed heap has its own limit below); the
            // runtime's own start-up needs are on top. No core file: a crash here is expected, not a bug to keep.
            command.AddRange([Prlimit, $"--data={limit + RuntimeOverhead}", "--core=0", "--"]);
        }

        command.AddRange(EdgertCommand());
        command.AddRange(arguments);
        info.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + limit.ToString("x", CultureInfo.InvariantCulture);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        info.Environment["DOTNET_EnableCrashReport"] = "0";

        using var child = Process.Start(info) ?? throw new InvalidDataException("the verification process did not start.");
        child.StandardInput.Close();
        var stdout = Capture(child.StandardOutput);
        var stderr = Capture(child.StandardError);
        var seconds = limits.TimeoutSeconds;
        if (!child.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            try
            {
                child.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            child.WaitForExit();
            return $"did not finish verification within {seconds.ToString(CultureInfo.InvariantCulture)} s ({limits.TimeoutKey}); the verification process was killed. Refused.";
        }

        child.WaitForExit(); // the output readers drain
        var output = stdout.Result;
        var errors = Explanation(stderr.Result);
        var code = child.ExitCode;
        if (code == MemoryExitCode)
        {
            return MemoryReason(limits);
        }

        if (code > 128)
        {
            var signal = code - 128;
            return signal == 9
                ? $"was killed (signal 9) while loading, most likely by the system for exceeding the memory limit of {limits.MemoryMiB} MiB ({limits.MemoryKey}). Refused."
                : $"crashed natively (signal {signal}{SignalName(signal)}) while loading{(errors is null ? string.Empty : ": " + errors)}. Refused.";
        }

        if (code != 0)
        {
            return $"the verification process ended with exit code {code}{(errors is null ? string.Empty : ": " + errors)}. Refused.";
        }

        var verdict = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        JsonObject? parsed = null;
        try
        {
            parsed = verdict is null ? null : JsonNode.Parse(verdict) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (parsed?["ok"]?.GetValue<bool>() is not { } ok)
        {
            return "ended without a verdict (did it exit by itself while loading?). Refused.";
        }

        return ok ? null : parsed["reason"]?.GetValue<string>() ?? "refused without a reason.";
    }

    private const string Prlimit = "/usr/bin/prlimit";

    private const long RuntimeOverhead = 256L * 1024 * 1024; // measured: the runtime starts and loads a plugin in under 128 MiB

    private static string MemoryReason(ChildLimits limits) =>
        $"exceeded the memory limit of {limits.MemoryMiB} MiB ({limits.MemoryKey}) while loading. Refused.";

    private static string SignalName(int signal) => signal switch
    {
        4 => ", SIGILL",
        6 => ", SIGABRT",
        7 => ", SIGBUS",
        8 => ", SIGFPE",
        11 => ", SIGSEGV",
        15 => ", SIGTERM",
        _ => string.Empty,
    };

    /// <summary>How to start <c>edgert</c>: this executable when it is edgert, else <c>dotnet edgert.dll</c> beside this code.</summary>
    private static IReadOnlyList<string> EdgertCommand()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "edgert")
        {
            return [process];
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "edgert.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidDataException($"task plugins are verified by edgert in a child process, and {dll} is not there.");
        }

        var host = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } named && File.Exists(named) ? named
            : "dotnet";
        return [host, dll];
    }

    private static Task<string> Capture(StreamReader reader) => Task.Run(() =>
    {
        // Only the tail matters (the verdict is the last line); a plugin that prints without end is not kept.
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaxCapture)
            {
                text.Remove(0, text.Length - MaxCapture);
            }
        }

        return text.ToString();
    });

    /// <summary>What a crashed child said about it, without its stack: the runtime's or the C++ library's first words.</summary>
    private static string? Explanation(string text)
    {
        var said = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("at ", StringComparison.Ordinal) && !l.StartsWith("---", StringComparison.Ordinal) && !l.StartsWith("Repeat", StringComparison.Ordinal))
            .Take(2)
            .ToList();
        var line = string.Join(" ", said).TrimEnd('.', ':', ' ');
        return line.Length == 0 ? null : line.Length > 300 ? line[..300] + "…" : line;
    }

    private sealed record Verdict(bool Ok, string? Reason, string? Plugin);

    private static Verdict? ReadVerdict(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Verdict>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteVerdict(string path, PluginRef plugin, string? reason)
    {
        try
        {
            Foundation.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(new Verdict(reason is null, reason, plugin.ToString())));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without a kept verdict the version is verified again next time, and listed without its reason.
        }
    }
}

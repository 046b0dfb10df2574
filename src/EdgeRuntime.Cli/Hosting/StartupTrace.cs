using System.Diagnostics;
using System.Globalization;
using EdgeRuntime.Foundation.Diagnostics;

namespace EdgeRuntime.Cli.Hosting;

/// <summary>
/// With <c>EDGERT_TRACE_STARTUP=1</c>, one line on standard error per start-up phase (<see cref="StartupPhases"/>) as
/// it ends: when it began (milliseconds since the process started), its wall time, and the CPU time (user + system,
/// every thread) the process spent meanwhile, which is the figure that holds on a loaded machine. The first line is
/// the runtime's own start (process start to <c>Main</c>), the last the command as a whole. Off, nothing listens and
/// the phases cost nothing.
/// </summary>
internal sealed class StartupTrace : IDisposable
{
    /// <summary>The environment variable that turns the trace on.</summary>
    public const string Variable = "EDGERT_TRACE_STARTUP";

    private readonly TextWriter writer;
    private readonly DateTime processStart;
    private readonly ActivityListener listener;

    private StartupTrace(TextWriter writer)
    {
        this.writer = writer;
        processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        Write(0, "runtime start (process start to Main)", (DateTime.UtcNow - processStart).TotalMilliseconds, Cpu(), 0);
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StartupPhases.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => activity.SetCustomProperty(nameof(Cpu), Cpu()),
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>A trace to <paramref name="writer"/> when the environment asks for one, else null.</summary>
    public static StartupTrace? FromEnvironment(TextWriter writer) =>
        Environment.GetEnvironmentVariable(Variable) == "1" ? new StartupTrace(writer) : null;

    public void Dispose()
    {
        listener.Dispose();
        Write(0, "command (process start to the end of Main)", (DateTime.UtcNow - processStart).TotalMilliseconds, Cpu(), 0);
    }

    private static double Cpu() => Environment.CpuUsage.TotalTime.TotalMilliseconds;

    private void Stopped(Activity activity)
    {
        var cpu = Cpu() - (activity.GetCustomProperty(nameof(Cpu)) as double? ?? Cpu());
        var depth = 0;
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            depth += parent.Source.Name == StartupPhases.SourceName ? 1 : 0;
        }

        Write((activity.StartTimeUtc - processStart).TotalMilliseconds, activity.DisplayName, activity.Duration.TotalMilliseconds, cpu, depth);
    }

    private void Write(double at, string phase, double wall, double cpu, int depth)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"startup: at {at,7:F0} ms  {(new string(' ', depth * 2) + phase).PadRight(52)}{wall,8:F0} ms wall {cpu,7:F0} ms CPU");
        lock (writer)
        {
            writer.WriteLine(line);
        }
    }
}

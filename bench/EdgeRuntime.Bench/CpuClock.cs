using System.Runtime.InteropServices;

/// <summary>
/// CPU time, not wall time: on a shared box a pass's tiles/s falls with the share of the cores it gets, while the
/// CPU seconds it spends per tile stay near what they cost on a quiet box. Linux's clock_gettime, nanoseconds.
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessClock = 2; // CLOCK_PROCESS_CPUTIME_ID: every thread of this process
    private const int ThreadClock = 3; // CLOCK_THREAD_CPUTIME_ID: the calling thread

    /// <summary>CPU seconds used by the whole process so far (GC and JIT threads included).</summary>
    public static double Process() => Read(ProcessClock);

    /// <summary>CPU seconds used by the calling thread so far.</summary>
    public static double Thread() => Read(ThreadClock);

    private static double Read(int clock) => ClockGetTime(clock, out var t) == 0 ? t.Seconds + (t.Nanoseconds / 1e9) : double.NaN;

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>Whether an I/O error means a full disk, which is not the slide's fault and passes once space is freed.</summary>
public static class DiskFull
{
    // errno values .NET puts in an IOException's HResult on Linux: no space left (ENOSPC), quota exceeded (EDQUOT).
    private const int NoSpace = 28;
    private const int QuotaExceeded = 122;

    /// <summary>Whether <paramref name="exception"/> is a full disk or quota.</summary>
    public static bool Is(Exception exception) => exception is IOException { HResult: NoSpace or QuotaExceeded };
}

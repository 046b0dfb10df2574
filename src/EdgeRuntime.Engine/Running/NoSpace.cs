namespace EdgeRuntime.Engine.Running;

/// <summary>
/// Whether an error is a full disk or quota: not a task's nor a slide's fault, so the run stops and the caller
/// decides (the service puts the slide back and waits for space).
/// </summary>
public static class NoSpace
{
    // errno values .NET puts in an IOException's HResult on Linux: no space left (ENOSPC), quota exceeded (EDQUOT).
    private const int NoSpaceLeft = 28;
    private const int QuotaExceeded = 122;

    /// <summary>Whether <paramref name="exception"/> is a full disk or quota.</summary>
    public static bool Is(Exception exception) => exception is IOException { HResult: NoSpaceLeft or QuotaExceeded };
}

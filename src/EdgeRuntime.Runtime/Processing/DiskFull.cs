using EdgeRuntime.Engine.Running;

namespace EdgeRuntime.Runtime.Processing;

/// <summary>
/// Whether an error means the results store is unavailable, which is not the slide's fault and passes once the store
/// is back: a full disk or quota anywhere (ENOSPC, EDQUOT), or any failure of the store's own writes
/// (<see cref="ResultsStoreUnavailableException"/>: read-only, permission, not a folder, gone, I/O error).
/// </summary>
internal static class DiskFull
{
    /// <summary>Whether <paramref name="exception"/> is a full disk or quota.</summary>
    public static bool Is(Exception exception) =>
        NoSpace.Is(exception) || exception is ResultsStoreUnavailableException { InnerException: { } inner } && Is(inner);

    /// <summary>Whether <paramref name="exception"/> means the results store is unavailable (full, or its writes fail).</summary>
    public static bool IsStoreUnavailable(Exception exception) => Is(exception) || exception is ResultsStoreUnavailableException;
}

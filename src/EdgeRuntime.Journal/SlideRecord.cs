namespace EdgeRuntime.Journal;

/// <summary>One slide as the journal knows it.</summary>
/// <param name="Id">Stable, content-based id.</param>
/// <param name="Path">The file as it was found.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="State">Its state.</param>
/// <param name="Reason">Why it failed, for <see cref="SlideState.Failed"/>.</param>
/// <param name="Attempts">How many times processing started.</param>
/// <param name="DiscoveredAt">When it was found complete.</param>
/// <param name="FinishedAt">When it was done or failed.</param>
public sealed record SlideRecord(string Id, string Path, long Size, SlideState State, string? Reason, int Attempts, DateTimeOffset DiscoveredAt, DateTimeOffset? FinishedAt)
{
    /// <summary>Where the file is now, once moved out of the inbox (done or failed folder); null while it is where it was found.</summary>
    public string? Location { get; init; }
}

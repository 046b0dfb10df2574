namespace EdgeRuntime.Runtime.Progress;

/// <summary>
/// The latest progress of each slide in flight, for the publisher to send on <c>slides/{id}/progress</c>.
/// Progress is only current, never queued: a subscriber wants where a slide is now, not every step it took,
/// so it bypasses the durable outbox and only each slide's newest value is kept, until the slide ends.
/// </summary>
public sealed class LiveProgress
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, (TileProgress Progress, long Version)> latest = new(StringComparer.Ordinal);
    private long version;

    /// <summary>Records the progress of <paramref name="slideId"/>.</summary>
    public void Report(string slideId, TileProgress progress)
    {
        lock (gate)
        {
            latest[slideId] = (progress, ++version);
        }
    }

    /// <summary>Forgets <paramref name="slideId"/>: it ended, and its end is reported through the outbox.</summary>
    public void Ended(string slideId)
    {
        lock (gate)
        {
            latest.Remove(slideId);
        }
    }

    /// <summary>Each slide's newest report that is newer than <paramref name="seenVersion"/>, oldest first; moves <paramref name="seenVersion"/> past them.</summary>
    public IReadOnlyList<(string SlideId, TileProgress Progress)> TakeNewer(ref long seenVersion)
    {
        lock (gate)
        {
            var seen = seenVersion;
            var newer = latest.Where(e => e.Value.Version > seen).OrderBy(e => e.Value.Version).Select(e => (e.Key, e.Value.Progress)).ToList();
            seenVersion = version;
            return newer;
        }
    }
}

using EdgeRuntime.Pipeline.Encoding;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The latest progress of the slide in flight, for the publisher to send on <c>slides/{id}/progress</c>.
/// Progress is only current, never queued: a subscriber wants where a slide is now, not every step it took,
/// so it bypasses the durable outbox and only the newest value is kept.
/// </summary>
public sealed class LiveProgress
{
    private readonly Lock gate = new();
    private (string SlideId, EncodingProgress Progress, long Version) latest;

    /// <summary>Records the progress of <paramref name="slideId"/>.</summary>
    public void Report(string slideId, EncodingProgress progress)
    {
        lock (gate)
        {
            latest = (slideId, progress, latest.Version + 1);
        }
    }

    /// <summary>The newest report if it is newer than <paramref name="seenVersion"/>.</summary>
    public bool TryTakeNewer(ref long seenVersion, out string slideId, out EncodingProgress progress)
    {
        lock (gate)
        {
            (slideId, progress) = (latest.SlideId, latest.Progress);
            if (latest.Version <= seenVersion || latest.SlideId is null)
            {
                return false;
            }

            seenVersion = latest.Version;
            return true;
        }
    }
}

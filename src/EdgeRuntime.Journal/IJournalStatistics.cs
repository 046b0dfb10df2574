namespace EdgeRuntime.Journal;

/// <summary>The journal's figures for status, metrics and readiness: read from the store, never a second count.</summary>
public interface IJournalStatistics
{
    /// <summary>Slides per state.</summary>
    IReadOnlyDictionary<SlideState, int> Counts();

    /// <summary>
    /// Slides per state among those that finished (done or failed, at intake or in processing) at or after
    /// <paramref name="since"/>: the same count as <see cref="Counts"/>, over a shorter time, so the two never disagree.
    /// </summary>
    IReadOnlyDictionary<SlideState, int> CountsFinishedSince(DateTimeOffset since);

    /// <summary>Times a slide was taken again after an attempt that did not finish (a crash, a kill, a full disk), over all slides.</summary>
    long Retries();
}

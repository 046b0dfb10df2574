namespace EdgeRuntime.Journal;

/// <summary>What <see cref="SlideJournal.StartRun"/> found: the run before this one, and the slides it left processing.</summary>
/// <param name="Before">The run before, if any.</param>
/// <param name="Interrupted">Ids of the slides found processing, now pending again with a <c>slide.interrupted</c> event each.</param>
public sealed record RunStart(RunStart.Previous? Before, IReadOnlyList<string> Interrupted)
{
    /// <summary>Whether the run before ended without being marked stopped (killed, crashed, power lost).</summary>
    public bool AfterUncleanStop => Before is { Clean: false };

    /// <summary>A run as the journal recorded it.</summary>
    /// <param name="StartedAt">When it began.</param>
    /// <param name="StoppedAt">When it was marked stopped; null if it never was.</param>
    public sealed record Previous(DateTimeOffset StartedAt, DateTimeOffset? StoppedAt)
    {
        /// <summary>Whether it was marked stopped.</summary>
        public bool Clean => StoppedAt is not null;
    }
}

using System.Diagnostics.Metrics;

namespace EdgeRuntime.Journal;

/// <summary>
/// The journal's figures as observable gauges on the <see cref="Meter"/> <see cref="MeterName"/>, read from the
/// database when a listener collects (a scrape), so they are the journal's truth and never a second count: slides
/// by state (the queue is <c>pending</c>), retries, and each sink's undelivered events.
/// </summary>
public sealed class JournalMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EdgeRuntime.Journal";

    /// <summary>Gauge of slides in the journal, tagged <c>state</c> (pending, processing, done, failed).</summary>
    public const string Slides = "edgeruntime.journal.slides";

    /// <summary>Gauge of events a sink has not delivered yet, tagged <c>sink</c>.</summary>
    public const string OutboxLength = "edgeruntime.outbox.length";

    /// <summary>Counter (observed) of attempts beyond the first, over every slide the journal holds.</summary>
    public const string Retries = "edgeruntime.journal.retries";

    /// <summary>Creates the meter and its gauges over <paramref name="journal"/>'s figures and <paramref name="outbox"/>'s lengths.</summary>
    public JournalMetrics(IJournalStatistics journal, Outbox.IOutbox outbox)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(outbox);
        Meter = new Meter(MeterName, typeof(JournalMetrics).Assembly.GetName().Version?.ToString());
        Meter.CreateObservableGauge(Slides, () => journal.Counts().Select(count =>
            new Measurement<long>(count.Value, new KeyValuePair<string, object?>("state", StateName(count.Key)))), "{slide}", "Slides in the journal by state; pending is the queue.");
        Meter.CreateObservableGauge(OutboxLength, () => outbox.OutboxLengths().Select(sink =>
            new Measurement<long>(sink.Value, new KeyValuePair<string, object?>("sink", sink.Key))), "{event}", "Events each sink has not delivered yet.");
        Meter.CreateObservableCounter(Retries, journal.Retries, "{attempt}", "Attempts beyond the first, over the slides the journal holds.");
    }

    /// <summary>This component's meter.</summary>
    public Meter Meter { get; }

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();

    private static string StateName(SlideState state) => state.ToString().ToLowerInvariant();
}

using System.Diagnostics.Metrics;
using EdgeRuntime.Runtime.Metrics;

namespace EdgeRuntime.Publishing.Metrics;

/// <summary>
/// Reads this host's pipeline instruments (<see cref="PipelineMetrics"/>) through a <see cref="MeterListener"/>, as
/// any OpenTelemetry exporter would, for the MQTT metrics message: the same figures, not a second count. Only the
/// meter instance of this host is listened to, so two hosts in one process never mix.
/// </summary>
internal sealed class MetricsReader : IDisposable
{
    private const int LatencyWindow = 512; // recent batches: percentiles describe now, not the day
    private readonly MeterListener listener = new();
    private readonly Lock gate = new();
    private readonly Queue<double> latencies = new();
    private long tiles;
    private long slidesDone;
    private long slidesFailed;

    /// <summary>Starts listening to <paramref name="metrics"/>' meter.</summary>
    public MetricsReader(PipelineMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(OnLong);
        listener.SetMeasurementEventCallback<double>(OnDouble);
        listener.Start();
    }

    /// <summary>A consistent copy of the figures.</summary>
    public MetricsSnapshot Snapshot()
    {
        lock (gate)
        {
            var sorted = latencies.Order().ToArray();
            return new MetricsSnapshot(tiles, slidesDone, slidesFailed, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
        }
    }

    /// <inheritdoc />
    public void Dispose() => listener.Dispose();

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var outcome = string.Empty;
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                outcome = tag.Value as string ?? string.Empty;
            }
        }

        lock (gate)
        {
            switch (instrument.Name)
            {
                case PipelineMetrics.TilesEncoded:
                    tiles += value;
                    break;
                case PipelineMetrics.SlidesFinished when outcome == "done":
                    slidesDone += value;
                    break;
                case PipelineMetrics.SlidesFinished:
                    slidesFailed += value;
                    break;
            }
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != PipelineMetrics.BatchDuration)
        {
            return;
        }

        lock (gate)
        {
            latencies.Enqueue(value * 1000); // recorded in seconds; the MQTT metrics message speaks milliseconds
            if (latencies.Count > LatencyWindow)
            {
                latencies.Dequeue();
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

/// <summary>The pipeline's figures at one moment.</summary>
/// <param name="Tiles">Tiles encoded since start.</param>
/// <param name="SlidesDone">Slides done since start.</param>
/// <param name="SlidesFailed">Slides failed since start.</param>
/// <param name="P50">Median encoder batch latency (ms) of recent batches.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
internal sealed record MetricsSnapshot(long Tiles, long SlidesDone, long SlidesFailed, double P50, double P95, double P99);

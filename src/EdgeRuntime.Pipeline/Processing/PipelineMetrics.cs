using System.Diagnostics.Metrics;

namespace EdgeRuntime.Pipeline.Processing;

/// <summary>
/// The pipeline's instruments, on a <see cref="Meter"/> named <see cref="MeterName"/> so that any
/// <c>System.Diagnostics.Metrics</c> listener (OpenTelemetry, dotnet-counters, the MQTT metrics message) reads the
/// same figures: tiles encoded, encoder batch latency, slides finished by outcome.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EdgeRuntime.Pipeline";

    /// <summary>Counter of tiles the image encoder has embedded.</summary>
    public const string TilesEncoded = "edgeruntime.tiles.encoded";

    /// <summary>Histogram of encoder batch durations, in milliseconds.</summary>
    public const string BatchDuration = "edgeruntime.encoder.batch.duration";

    /// <summary>Counter of slides finished, tagged <c>outcome</c> = <c>done</c> or <c>failed</c>.</summary>
    public const string SlidesFinished = "edgeruntime.slides.finished";

    private readonly Counter<long> tiles;
    private readonly Histogram<double> batches;
    private readonly Counter<long> slides;

    /// <summary>Creates the meter and its instruments.</summary>
    public PipelineMetrics()
    {
        Meter = new Meter(MeterName, typeof(PipelineMetrics).Assembly.GetName().Version?.ToString());
        tiles = Meter.CreateCounter<long>(TilesEncoded, "{tile}", "Tiles embedded by the image encoder.");
        batches = Meter.CreateHistogram<double>(BatchDuration, "ms", "Time the image encoder took for one batch.");
        slides = Meter.CreateCounter<long>(SlidesFinished, "{slide}", "Slides finished, by outcome.");
    }

    /// <summary>This component's meter (a listener tells it from another host's in the same process by reference).</summary>
    public Meter Meter { get; }

    /// <summary>Records one encoder batch.</summary>
    public void Batch(int tileCount, TimeSpan latency)
    {
        tiles.Add(tileCount);
        batches.Record(latency.TotalMilliseconds);
    }

    /// <summary>Records a finished slide.</summary>
    public void SlideFinished(bool succeeded) => slides.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "done" : "failed"));

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}

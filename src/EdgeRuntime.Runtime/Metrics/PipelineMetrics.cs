using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Engine.Running;

namespace EdgeRuntime.Runtime.Metrics;

/// <summary>
/// The pipeline's instruments, on a <see cref="Meter"/> named <see cref="MeterName"/> so that any
/// <c>System.Diagnostics.Metrics</c> listener (OpenTelemetry, dotnet-counters, the MQTT metrics message) reads the
/// same figures: tiles encoded, encoder batch latency, slides finished by outcome.
/// </summary>
public sealed class PipelineMetrics : IEncoderMetrics, IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EdgeRuntime.Pipeline";

    /// <summary>Counter of tiles the image encoder has embedded.</summary>
    public const string TilesEncoded = "edgeruntime.tiles.encoded";

    /// <summary>Histogram of encoder batch durations, in seconds (Prometheus' base unit).</summary>
    public const string BatchDuration = "edgeruntime.encoder.batch.duration";

    /// <summary>Counter of slides finished, tagged <c>outcome</c> = <c>done</c> or <c>failed</c>.</summary>
    public const string SlidesFinished = "edgeruntime.slides.finished";

    /// <summary>Histogram of the time each stage of a slide took, in seconds, tagged <c>stage</c>.</summary>
    public const string StageDuration = "edgeruntime.slide.stage.duration";

    /// <summary>Counter of tiles inferred, tagged <c>model</c> and <c>version</c> (Triton's <c>nv_inference_count</c>).</summary>
    public const string InferenceCount = "edgeruntime.inference.count";

    /// <summary>Counter of encoder batches run, tagged <c>model</c> and <c>version</c> (Triton's <c>nv_inference_exec_count</c>).</summary>
    public const string InferenceExecCount = "edgeruntime.inference.exec.count";

    /// <summary>Histogram of one batch's compute time in seconds, tagged <c>model</c> and <c>version</c> (Triton's <c>nv_inference_compute_infer_duration_us</c>).</summary>
    public const string InferenceComputeDuration = "edgeruntime.inference.compute.duration";

    /// <summary>Counter of slides put back in the queue to be tried again, tagged <c>reason</c>.</summary>
    public const string SlidesRequeued = "edgeruntime.slides.requeued";

    /// <summary>Counter of model activations, at start and by hot swap.</summary>
    public const string ModelActivations = "edgeruntime.model.activations";

    /// <summary>Gauge of the active model (1), tagged <c>model</c>, <c>version</c> and <c>provider</c> (the execution provider in use).</summary>
    public const string ActiveModel = "edgeruntime.model.active";

    // Seconds from 1 ms to ~2 min: a batch of one tile on a GPU to the whole of a large slide on a CPU.
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> tiles;
    private readonly Histogram<double> batches;
    private readonly Counter<long> slides;
    private readonly Histogram<double> stages;
    private readonly Counter<long> inferences;
    private readonly Counter<long> executions;
    private readonly Histogram<double> compute;
    private readonly Counter<long> requeued;
    private long activations;

    /// <summary>Creates the meter and its instruments.</summary>
    public PipelineMetrics()
    {
        Meter = new Meter(MeterName, typeof(PipelineMetrics).Assembly.GetName().Version?.ToString());
        tiles = Meter.CreateCounter<long>(TilesEncoded, "{tile}", "Tiles embedded by the image encoder.");
        batches = Meter.CreateHistogram(BatchDuration, "s", "Time the image encoder took for one batch.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        slides = Meter.CreateCounter<long>(SlidesFinished, "{slide}", "Slides finished, by outcome and, for failures, reason.");
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        stages = Meter.CreateHistogram(StageDuration, "s", "Time one stage of a slide took: open, tissue, encode (with the tasks), write, total.", advice: seconds);
        inferences = Meter.CreateCounter<long>(InferenceCount, "{tile}", "Tiles the image encoder inferred, by model.");
        executions = Meter.CreateCounter<long>(InferenceExecCount, "{batch}", "Encoder batches run, by model.");
        compute = Meter.CreateHistogram(InferenceComputeDuration, "s", "Time one encoder batch took, by model.", advice: seconds);
        requeued = Meter.CreateCounter<long>(SlidesRequeued, "{slide}", "Slides put back in the queue to be tried again, by reason.");
        // Observed, not added: the model made active at start is counted before any exporter listens.
        Meter.CreateObservableCounter(ModelActivations, () => Interlocked.Read(ref activations), "{activation}", "Models made active, at start or by hot swap.");
    }

    /// <summary>This component's meter (a listener tells it from another host's in the same process by reference).</summary>
    public Meter Meter { get; }

    /// <summary>Records one encoder batch of <paramref name="model"/>.</summary>
    public void Batch(ModelIdentity model, int tileCount, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(model);
        tiles.Add(tileCount);
        batches.Record(latency.TotalSeconds);
        var byModel = new TagList { { "model", model.Id }, { "version", model.Version } };
        inferences.Add(tileCount, byModel);
        executions.Add(1, byModel);
        compute.Record(latency.TotalSeconds, byModel);
    }

    /// <summary>Records a slide done.</summary>
    public void SlideDone() => slides.Add(1, new KeyValuePair<string, object?>("outcome", "done"));

    /// <summary>Records a slide failed, with a reason from a short fixed list (a label value must not grow without bound).</summary>
    public void SlideFailed(string reason) => slides.Add(1, new TagList { { "outcome", "failed" }, { "reason", reason } });

    /// <summary>Records a slide put back in the queue, with a reason from a short fixed list.</summary>
    public void SlideRequeued(string reason) => requeued.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records the time each stage of a finished slide run took.</summary>
    public void Stages(SlideRunTimings timings)
    {
        ArgumentNullException.ThrowIfNull(timings);
        stages.Record(timings.OpenMs / 1000, new KeyValuePair<string, object?>("stage", "open"));
        stages.Record(timings.TissueMs / 1000, new KeyValuePair<string, object?>("stage", "tissue"));
        stages.Record(timings.EncodeMs / 1000, new KeyValuePair<string, object?>("stage", "encode"));
        stages.Record(timings.WriteMs / 1000, new KeyValuePair<string, object?>("stage", "write"));
        stages.Record(timings.TotalMs / 1000, new KeyValuePair<string, object?>("stage", "total"));
    }

    /// <summary>Records that a model became the active model.</summary>
    public void ModelActivated() => Interlocked.Increment(ref activations);

    /// <summary>Observes the active model as a gauge of 1 tagged with its id, version and execution provider.</summary>
    public void ObserveActiveModel(Func<(ModelIdentity Model, string Provider, string Precision)> active)
    {
        ArgumentNullException.ThrowIfNull(active);
        Meter.CreateObservableGauge(ActiveModel, () =>
        {
            var (model, provider, precision) = active();
            return new Measurement<int>(1, new TagList { { "model", model.Id }, { "version", model.Version }, { "provider", provider }, { "precision", precision } });
        }, "{model}", "The model slides are processed with now (1), with the execution provider it runs on and its image encoder's precision (float32, float16, or int8 where its gate passed).");
    }

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}

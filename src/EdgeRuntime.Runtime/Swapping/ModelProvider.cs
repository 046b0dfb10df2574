using EdgeRuntime.Engine.Models;
using EdgeRuntime.Runtime.Metrics;

namespace EdgeRuntime.Runtime.Swapping;

/// <summary>
/// The model slides are processed with, swappable while the service runs: a slide keeps the model it started
/// with; a replaced model's ONNX sessions are released when its last slide ends. Every activation, at start and
/// by swap, is counted on the metrics with the model and the execution provider it runs on.
/// </summary>
public sealed class ModelProvider : Swappable<ModelRuntime>
{
    private readonly PipelineMetrics? metrics;

    /// <summary>Starts with <paramref name="initial"/>, the model loaded at start.</summary>
    public ModelProvider(ModelRuntime initial, PipelineMetrics? metrics = null)
        : base(initial)
    {
        this.metrics = metrics;
        metrics?.ObserveActiveModel(() => (Current.Package.Identity, Current.Package.ExecutionProvider, Current.Package.Precision.Name));
        Activated(initial);
    }

    /// <summary>
    /// The active model in words (id, version, execution provider), or null when it has been released: what a
    /// readiness check reports, without reaching into the model.
    /// </summary>
    public string? ActiveDescription
    {
        get
        {
            var model = Current;
            return model.IsDisposed ? null : $"{model.Package.Identity.Id} {model.Package.Identity.Version} on {model.Package.ExecutionProvider}";
        }
    }

    /// <inheritdoc />
    protected override void Activated(ModelRuntime value) => metrics?.ModelActivated();
}

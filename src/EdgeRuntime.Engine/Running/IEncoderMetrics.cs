using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Engine.Running;

/// <summary>
/// Where the engine reports each encoder batch it runs. The engine keeps no meter of its own: the service's metrics
/// implement this, and a one-shot command that publishes no metrics gets the same implementation from the container.
/// </summary>
public interface IEncoderMetrics
{
    /// <summary>Records one encoder batch of <paramref name="model"/>: <paramref name="tileCount"/> tiles in <paramref name="latency"/>.</summary>
    void Batch(ModelIdentity model, int tileCount, TimeSpan latency);
}

using System.Diagnostics.Metrics;

namespace EdgeRuntime.Operations;

/// <summary>The names of this host's meters, each created (resolved) before the exporter starts listening.</summary>
internal sealed class HostMeters(IEnumerable<Meter> meters)
{
    public string[] Names { get; } = [.. meters.Select(m => m.Name).Distinct(StringComparer.Ordinal)];
}

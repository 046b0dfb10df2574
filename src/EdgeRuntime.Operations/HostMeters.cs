using EdgeRuntime.Journal;

namespace EdgeRuntime.Operations;

/// <summary>
/// The meters the exporter reads: every meter named <c>EdgeRuntime.*</c> (each component's own, created with it);
/// the journal's gauges are created here, since only the endpoint reads them.
/// </summary>
internal sealed class HostMeters(JournalMetrics journal)
{
    public string[] Names { get; } = ["EdgeRuntime.*", journal.Meter.Name];
}

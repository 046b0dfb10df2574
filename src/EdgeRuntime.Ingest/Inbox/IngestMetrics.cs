using System.Diagnostics.Metrics;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>
/// Ingest's instruments, on the <see cref="Meter"/> <see cref="MeterName"/>: files taken from the inbox, by what came
/// of them (<c>outcome</c> = <c>accepted</c>, <c>refused</c> or <c>duplicate</c>).
/// </summary>
internal sealed class IngestMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EdgeRuntime.Ingest";

    /// <summary>Counter of complete files taken from the inbox, tagged <c>outcome</c>.</summary>
    public const string FilesTaken = "edgeruntime.inbox.files";

    private readonly Counter<long> files;

    /// <summary>Creates the meter and its instrument.</summary>
    public IngestMetrics()
    {
        Meter = new Meter(MeterName, typeof(IngestMetrics).Assembly.GetName().Version?.ToString());
        files = Meter.CreateCounter<long>(FilesTaken, "{file}", "Complete files taken from the inbox, by outcome.");
    }

    /// <summary>This component's meter.</summary>
    public Meter Meter { get; }

    /// <summary>Records one file and what came of it.</summary>
    public void Taken(string outcome) => files.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}

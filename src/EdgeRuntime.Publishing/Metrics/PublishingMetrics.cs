using System.Diagnostics.Metrics;

namespace EdgeRuntime.Publishing.Metrics;

/// <summary>
/// Publishing's instruments, on the <see cref="Meter"/> <see cref="MeterName"/>: journal events the MQTT sink
/// delivered, and connection attempts to the broker by outcome.
/// </summary>
internal sealed class PublishingMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EdgeRuntime.Publishing";

    /// <summary>Counter of journal events delivered to the broker.</summary>
    public const string EventsDelivered = "edgeruntime.mqtt.events.delivered";

    /// <summary>Counter of connection attempts, tagged <c>outcome</c> = <c>connected</c> or <c>failed</c>.</summary>
    public const string Connections = "edgeruntime.mqtt.connections";

    /// <summary>Counter of times another client took this node's MQTT session over.</summary>
    public const string Takeovers = "edgeruntime.mqtt.session_takeovers";

    private readonly Counter<long> takeovers;
    private long takeoversSeen;
    private readonly Counter<long> delivered;
    private readonly Counter<long> connections;

    /// <summary>Creates the meter and its instruments.</summary>
    public PublishingMetrics()
    {
        Meter = new Meter(MeterName, typeof(PublishingMetrics).Assembly.GetName().Version?.ToString());
        delivered = Meter.CreateCounter<long>(EventsDelivered, "{event}", "Journal events the broker acknowledged.");
        connections = Meter.CreateCounter<long>(Connections, "{attempt}", "Connection attempts to the broker, by outcome.");
        takeovers = Meter.CreateCounter<long>(Takeovers, "{takeover}", "Times another client connected with this node's client id.");
    }

    /// <summary>This component's meter.</summary>
    public Meter Meter { get; }

    /// <summary>Records events delivered.</summary>
    public void Delivered(int count) => delivered.Add(count);

    /// <summary>Records a connection attempt.</summary>
    public void Connection(bool connected) => connections.Add(1, new KeyValuePair<string, object?>("outcome", connected ? "connected" : "failed"));

    /// <summary>Records that another client took the node's session over.</summary>
    public void SessionTakenOver()
    {
        takeovers.Add(1);
        Interlocked.Increment(ref takeoversSeen);
    }

    /// <summary>Session takeovers since the process started (for the metrics message).</summary>
    public long SessionTakeovers => Interlocked.Read(ref takeoversSeen);

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}

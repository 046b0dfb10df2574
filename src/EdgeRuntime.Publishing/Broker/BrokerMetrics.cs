using System.Diagnostics.Metrics;

namespace EdgeRuntime.Publishing.Broker;

/// <summary>
/// The embedded broker's refusals, on the <see cref="Meter"/> <see cref="MeterName"/>: connections closed or refused,
/// tagged with why, so that a flood or a client probing other accounts' ids shows in the metrics, not only the log.
/// </summary>
internal sealed class BrokerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EdgeRuntime.Publishing.Broker";

    /// <summary>Counter of connections the broker closed or refused, tagged <c>reason</c> (see <see cref="Refusal"/>).</summary>
    public const string Refusals = "edgeruntime.broker.refusals";

    private readonly Counter<long> refusals;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> seen = new(StringComparer.Ordinal);

    /// <summary>Creates the meter and its instrument.</summary>
    public BrokerMetrics()
    {
        Meter = new Meter(MeterName, typeof(BrokerMetrics).Assembly.GetName().Version?.ToString());
        refusals = Meter.CreateCounter<long>(Refusals, "{connection}", "Connections the embedded broker closed or refused, by reason.");
    }

    /// <summary>This component's meter.</summary>
    public Meter Meter { get; }

    /// <summary>Records one refusal.</summary>
    public void Refused(string reason)
    {
        refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));
        seen.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    /// <summary>Refusals for <paramref name="reason"/> since the process started.</summary>
    public long Count(string reason) => seen.TryGetValue(reason, out var n) ? n : 0;

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();
}

/// <summary>Why the embedded broker closed or refused a connection (the <c>reason</c> tag of <see cref="BrokerMetrics.Refusals"/>).</summary>
public static class Refusal
{
    /// <summary>More connections open than <c>EdgeRuntime:Broker:MaxConnections</c>.</summary>
    public const string TooManyConnections = "too-many-connections";

    /// <summary>No TLS handshake or no CONNECT within <c>EdgeRuntime:Broker:ConnectTimeoutSeconds</c>.</summary>
    public const string ConnectTimeout = "connect-timeout";

    /// <summary>A packet larger than <c>EdgeRuntime:Broker:MaxPacketBytes</c>.</summary>
    public const string PacketTooLarge = "packet-too-large";

    /// <summary>Wrong user name or password.</summary>
    public const string BadCredentials = "bad-credentials";

    /// <summary>A client id that belongs to another account's session (or the node's own id).</summary>
    public const string ClientIdTaken = "client-id-taken";

    /// <summary>An empty client id where the client's protocol version allows none (MQTT 3.1.1 without a clean session, MQTT 3.1).</summary>
    public const string ClientIdRejected = "client-id-rejected";
}

using EdgeRuntime.Journal.Outbox;

namespace EdgeRuntime.Lis.Delivery;

/// <summary>An LIS transport: an outbox sink drained by <see cref="LisPublisher"/> on a loop of its own.</summary>
public interface ILisSink : IEventSink
{
    /// <summary>Where it delivers, in words for the log (a topic, a URL, host:port).</summary>
    string Target { get; }
}

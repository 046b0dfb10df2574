using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Publishing.Mqtt;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>
/// Requests on their way from the MQTT client to the <see cref="RequestService"/>, and replies on their way back.
/// Requests are bounded: loading a model takes seconds, and a flood of requests must not pile up; the MQTT client's
/// receive loop never waits on them. Replies wake the publisher, the only MQTT client.
/// </summary>
public sealed class RequestMailbox(MqttOptions options, OutboxSignal signal)
{
    private readonly Channel<MqttRequest> requests = Channel.CreateBounded<MqttRequest>(new BoundedChannelOptions(options.AdminQueueLength)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly ConcurrentQueue<MqttReply> replies = new();

    /// <summary>The requests, in arrival order.</summary>
    public ChannelReader<MqttRequest> Requests => requests.Reader;

    /// <summary>Queues a request; false when the queue is full (the caller answers "busy").</summary>
    public bool TryAdd(MqttRequest request) => requests.Writer.TryWrite(request);

    /// <summary>Queues a reply and wakes the publisher.</summary>
    public void Reply(MqttReply reply)
    {
        replies.Enqueue(reply);
        signal.Set();
    }

    /// <summary>The oldest reply waiting to be published; it stays queued until <see cref="Published"/>, so a lost connection does not lose it.</summary>
    public bool TryPeekReply(out MqttReply reply) => replies.TryPeek(out reply!);

    /// <summary>Removes the oldest reply once the broker has it (the publisher is the only consumer).</summary>
    public void Published() => replies.TryDequeue(out _);
}

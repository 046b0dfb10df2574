using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Publishing.Mqtt;

namespace EdgeRuntime.Publishing.Requests;

/// <summary>
/// Requests on their way from the MQTT client to the <see cref="RequestService"/>, and replies on their way back.
/// Requests wait in two lanes, admin and read-only, each bounded and each carried out by its own loop: an admin
/// command never waits behind a flood of searches, and neither lane piles up (a full lane answers "busy"). The MQTT
/// client's receive loop never waits on them. Replies wake the publisher, the only MQTT client.
/// </summary>
public sealed class RequestMailbox(MqttOptions options, OutboxSignal signal)
{
    private readonly Channel<MqttRequest> admin = Lane(options.AdminQueueLength);

    private readonly Channel<MqttRequest> readOnly = Lane(options.RequestQueueLength);

    private readonly ConcurrentQueue<MqttReply> replies = new();

    /// <summary>Admin requests, in arrival order.</summary>
    public ChannelReader<MqttRequest> AdminRequests => admin.Reader;

    /// <summary>Read-only requests, in arrival order.</summary>
    public ChannelReader<MqttRequest> ReadOnlyRequests => readOnly.Reader;

    /// <summary>How many requests the lane of <paramref name="role"/> holds at most.</summary>
    public int QueueLength(CallerRole role) => role == CallerRole.Admin ? options.AdminQueueLength : options.RequestQueueLength;

    /// <summary>Queues a request in its role's lane; false when that lane is full (the caller answers "busy").</summary>
    public bool TryAdd(MqttRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (request.Role == CallerRole.Admin ? admin : readOnly).Writer.TryWrite(request);
    }

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

    private static Channel<MqttRequest> Lane(int length) => Channel.CreateBounded<MqttRequest>(new BoundedChannelOptions(length)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
}

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
/// client's receive loop never waits on them. Replies wake the publisher, the only MQTT client; admin replies leave first.
/// </summary>
internal sealed class RequestMailbox(MqttOptions options, OutboxSignal signal)
{
    private readonly Channel<MqttRequest> admin = Lane(options.AdminQueueLength);

    private readonly Channel<MqttRequest> readOnly = Lane(options.RequestQueueLength);

    private readonly ConcurrentQueue<MqttReply> adminReplies = new();

    private readonly ConcurrentQueue<MqttReply> replies = new();

    private ConcurrentQueue<MqttReply>? peeked;

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

    /// <summary>Queues a reply to a request of <paramref name="role"/> and wakes the publisher.</summary>
    public void Reply(MqttReply reply, CallerRole role)
    {
        (role == CallerRole.Admin ? adminReplies : replies).Enqueue(reply);
        signal.Set();
    }

    /// <summary>
    /// The reply to publish next: the oldest admin reply, else the oldest read-only one (so that an admin's answer
    /// never waits behind a flood's busy replies). It stays queued until <see cref="Published"/>, so a lost
    /// connection does not lose it.
    /// </summary>
    public bool TryPeekReply(out MqttReply reply)
    {
        peeked = adminReplies.TryPeek(out reply!) ? adminReplies : replies.TryPeek(out reply!) ? replies : null;
        return peeked is not null;
    }

    /// <summary>Removes the reply <see cref="TryPeekReply"/> gave once the broker has it (the publisher is the only consumer).</summary>
    public void Published() => peeked?.TryDequeue(out _);

    private static Channel<MqttRequest> Lane(int length) => Channel.CreateBounded<MqttRequest>(new BoundedChannelOptions(length)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
}

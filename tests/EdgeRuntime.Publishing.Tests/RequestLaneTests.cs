using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Plugins.Requests;
using EdgeRuntime.Publishing.Mqtt;
using EdgeRuntime.Publishing.Requests;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Packets;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// Requests over MQTT wait in two bounded lanes (issue 22 §3: an admin plugins/list took 23 s behind one search):
/// an admin request is answered while the read-only lane is busy and full, and its reply leaves first; a full lane
/// answers busy; a body over the limit is refused on arrival, never queued.
/// </summary>
public sealed class RequestLaneTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly MqttOptions options = new() { NodeId = "box1", AdminQueueLength = 2, RequestQueueLength = 2, MaxRequestBytes = 1024 };
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OutboxSignal signal = new();
    private readonly RequestMailbox mailbox;
    private readonly RequestService service;
    private readonly MqttRequestTransport transport;
    private int searchesStarted;

    public RequestLaneTests()
    {
        // A read-only request that holds its lane until the test releases it, as a long search does.
        var registry = new RequestRegistry();
        registry.Add("test/search", CallerRole.ReadOnly, async (_, cancellationToken) =>
        {
            Interlocked.Increment(ref searchesStarted);
            await release.Task.WaitAsync(cancellationToken);
            return [];
        });
        registry.Add("test/list", CallerRole.Admin, (_, _) => ValueTask.FromResult(new JsonObject { ["listed"] = true }));
        var topics = new TopicMap(options);
        var dispatcher = new RequestDispatcher(registry, new TaskProvider(SlideTaskSet.Empty), new ProcessingOptions(), NullLogger<RequestDispatcher>.Instance);
        mailbox = new RequestMailbox(options, signal);
        service = new RequestService(options, topics, mailbox, dispatcher, NullLogger<RequestService>.Instance);
        transport = new MqttRequestTransport(options, topics, mailbox, service, NullLogger<MqttRequestTransport>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        await service.StopAsync(CancellationToken.None);
        service.Dispose();
        signal.Dispose();
    }

    [Fact]
    public async Task An_admin_request_is_answered_while_the_read_only_lane_is_busy_and_full()
    {
        await service.StartAsync(CancellationToken.None);
        await Arrive("edgeruntime/box1/requests/test/search", "{}", "s0");
        await WaitForAsync(() => Volatile.Read(ref searchesStarted) == 1, "the first search to start");
        await Arrive("edgeruntime/box1/requests/test/search", "{}", "s1");
        await Arrive("edgeruntime/box1/requests/test/search", "{}", "s2");

        // The lane holds two waiting: the next is answered busy at once, naming the lane.
        await Arrive("edgeruntime/box1/requests/test/search", "{}", "s3");
        var busy = await NextReplyAsync();
        Assert.Equal("s3", busy.Correlation);
        Assert.Equal("busy: 2 read-only requests are already waiting; try again shortly.", busy.Payload["reason"]!.GetValue<string>());

        // The admin's request is carried out while the search still holds the read-only lane.
        await Arrive("edgeruntime/box1/admin/test/list", "{}", "a1");
        var admin = await NextReplyAsync();
        Assert.Equal("a1", admin.Correlation);
        Assert.True(admin.Payload["listed"]!.GetValue<bool>(), admin.Payload.ToJsonString());
        Assert.False(release.Task.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref searchesStarted));

        release.SetResult();
        var rest = new[] { await NextReplyAsync(), await NextReplyAsync(), await NextReplyAsync() };
        Assert.Equal(["s0", "s1", "s2"], rest.Select(r => r.Correlation));
        Assert.All(rest, r => Assert.True(r.Payload["ok"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_on_arrival_and_never_queued()
    {
        // The lane is not even running: a refusal that came from it would never come.
        await Arrive("edgeruntime/box1/requests/test/search", $"{{\"text\": \"{new string('a', 2000)}\"}}", "big");
        var refused = await NextReplyAsync();
        Assert.Equal("big", refused.Correlation);
        Assert.Equal("payload: the body is 2012 bytes; at most 1024 are accepted (EdgeRuntime:Mqtt:MaxRequestBytes).", refused.Payload["reason"]!.GetValue<string>());
        Assert.Equal("edgeruntime/box1/requests/replies", refused.Topic);
        Assert.False(mailbox.ReadOnlyRequests.TryPeek(out _));

        await Arrive("edgeruntime/box1/requests/" + new string('n', 10_000), "{}", "name");
        var name = await NextReplyAsync();
        Assert.StartsWith("the request name is too long (10000 characters; at most 255 bytes)", name.Payload["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(name.Payload["command"]!.GetValue<string>().Length < 100, "the reply echoes the whole name");
        Assert.False(mailbox.ReadOnlyRequests.TryPeek(out _));
    }

    [Fact]
    public async Task An_admin_reply_leaves_before_read_only_replies_already_waiting()
    {
        // The lanes are not running: what the receive loop answers at once (busy, too large) is all there is.
        for (var i = 0; i < 3; i++)
        {
            await Arrive("edgeruntime/box1/requests/test/search", new string('x', 2000), $"big{i}");
        }

        await Arrive("edgeruntime/box1/admin/test/list", new string('x', 2000), "admin-big");
        Assert.Equal(["admin-big", "big0", "big1", "big2"], [(await NextReplyAsync()).Correlation, (await NextReplyAsync()).Correlation, (await NextReplyAsync()).Correlation, (await NextReplyAsync()).Correlation]);
    }

    private Task Arrive(string topic, string body, string correlation)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(body)).WithCorrelationData(Encoding.UTF8.GetBytes(correlation)).Build();
        return transport.OnMessageAsync(new MqttApplicationMessageReceivedEventArgs("test", message, new MqttPublishPacket(), (_, _) => Task.CompletedTask));
    }

    private async Task<(string Correlation, string Topic, JsonObject Payload)> NextReplyAsync()
    {
        await WaitForAsync(() => mailbox.TryPeekReply(out _), "a reply");
        mailbox.TryPeekReply(out var reply);
        mailbox.Published();
        return (Encoding.UTF8.GetString(reply.CorrelationData!), reply.Topic, reply.Payload);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"no sign of {what} within {Patience.TotalSeconds} s");
            await Task.Delay(10);
        }
    }
}

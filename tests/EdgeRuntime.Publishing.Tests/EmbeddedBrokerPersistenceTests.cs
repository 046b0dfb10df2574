using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// What the embedded broker keeps across a restart, on the same state file: retained messages, persistent
/// sessions with their subscriptions, and the QoS 1 messages queued for them, including those published after the
/// restart but before the subscriber came back, until they expire. (A kill of the real service: the service tests.)
/// </summary>
public sealed class EmbeddedBrokerPersistenceTests
{
    [Fact]
    public async Task Retained_messages_survive_a_restart_and_cleared_ones_stay_cleared()
    {
        using var state = new TempDirectory();
        var mqtt = RunningBroker.Accounts();
        await using (var broker = await RunningBroker.StartAsync(mqtt, statePath: state.File("broker.db")))
        {
            await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
            await service.PublishAsync($"{broker.Root}/slides/a/state", "{\"state\":\"done\"}", retain: true);
            await service.PublishAsync($"{broker.Root}/plugins/active", "{\"tasks\":[]}", retain: true);
            await service.PublishAsync($"{broker.Root}/slides/b/state", "{\"state\":\"pending\"}", retain: true);
            await service.PublishAsync($"{broker.Root}/slides/b/state", string.Empty, retain: true); // cleared
        }

        await using var restarted = await RunningBroker.StartAsync(mqtt, statePath: state.File("broker.db"));
        await using var admin = await BrokerClient.ConnectAsync(restarted.Port, "admin", "admin-secret");
        await admin.SubscribeAsync($"{restarted.Root}/#");
        await WaitUntil(() => admin.Received.Count >= 2);
        await Task.Delay(300);
        Assert.Equal([$"{restarted.Root}/plugins/active", $"{restarted.Root}/slides/a/state"], admin.Received.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task A_persistent_session_gets_every_result_published_while_it_was_away_before_and_after_a_restart(MqttProtocolVersion version)
    {
        using var state = new TempDirectory();
        var mqtt = RunningBroker.Accounts();
        var options = ReadOnly();
        var results = $"{mqtt.TopicPrefix}/{mqtt.NodeId}/slides/+/result";
        await using (var broker = await RunningBroker.StartAsync(mqtt, options, state.File("broker.db")))
        {
            await using var lis = await Subscriber(broker.Port, version);
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await lis.SubscribeAsync(results));
            await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
            await service.PublishAsync($"{broker.Root}/slides/s0/result", "{}");
            await WaitUntil(() => lis.Received.Count == 1);
            await lis.DisposeAsync(); // the LIS goes away
            for (var i = 1; i <= 3; i++)
            {
                await service.PublishAsync($"{broker.Root}/slides/s{i}/result", "{}");
            }
        }

        // Restarted: what was queued before is still there, and what is published before the LIS is back is kept too.
        await using var restarted = await RunningBroker.StartAsync(mqtt, options, state.File("broker.db"));
        await using (var service = await BrokerClient.ConnectAsync(restarted.Port, "svc", "svc-secret"))
        {
            for (var i = 4; i <= 6; i++)
            {
                await service.PublishAsync($"{restarted.Root}/slides/s{i}/result", "{}");
            }
        }

        await using var back = await Subscriber(restarted.Port, version);
        Assert.True(back.SessionPresent, "the session was restored");
        await WaitUntil(() => back.Received.Count(t => !t.EndsWith("/s0/result", StringComparison.Ordinal)) >= 6, () => $"received {string.Join(", ", back.Received)}; broker: {restarted.Log.Text}");

        // Delivered in order, and subscribed still: a new result arrives without subscribing again.
        await using var service2 = await BrokerClient.ConnectAsync(restarted.Port, "svc", "svc-secret");
        await service2.PublishAsync($"{restarted.Root}/slides/s7/result", "{}");
        await WaitUntil(() => back.Received.Count(t => !t.EndsWith("/s0/result", StringComparison.Ordinal)) >= 7);
        // (s0 may come again: the first connection may have closed before its PUBACK went out; at least once.)
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"{restarted.Root}/slides/s{i}/result"), back.Received.Where(t => !t.EndsWith("/s0/result", StringComparison.Ordinal)));
        Assert.Contains("resumed with 1 subscription(s) and ", restarted.Log.Text);

        // Acknowledged messages are not kept: after another restart nothing comes again. The ping first: the client
        // sends each PUBACK after its handler returns, and a disconnect could otherwise overtake the last of them
        // (then a redelivery would be right: at least once).
        await back.PingAsync();
        await back.DisposeAsync();
        await restarted.DisposeAsync();
        await using var third = await RunningBroker.StartAsync(mqtt, options, state.File("broker.db"));
        await using var again = await Subscriber(third.Port, version);
        await Task.Delay(500);
        Assert.Empty(again.Received);
    }

    [Fact]
    public async Task A_message_past_its_expiry_is_not_delivered_after_a_restart_and_a_session_past_its_expiry_is_gone()
    {
        using var state = new TempDirectory();
        var mqtt = RunningBroker.Accounts();
        var options = ReadOnly();
        await using (var broker = await RunningBroker.StartAsync(mqtt, options, state.File("broker.db")))
        {
            await using (var lis = await Subscriber(broker.Port, MqttProtocolVersion.V500))
            {
                await lis.SubscribeAsync($"{broker.Root}/slides/+/result");
            }

            await using (var brief = await BrokerClient.ConnectAsync(broker.Port, "lis2", "lis2-secret", clientId: "lis2-brief", cleanStart: false, sessionExpiry: 1))
            {
                await brief.SubscribeAsync($"{broker.Root}/slides/+/result");
            }

            await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
            await service.PublishAsync($"{broker.Root}/slides/short/result", "{}", expirySeconds: 1);
            await service.PublishAsync($"{broker.Root}/slides/long/result", "{}", expirySeconds: 3600);
        }

        await Task.Delay(2500); // past both one-second expiries
        await using var restarted = await RunningBroker.StartAsync(mqtt, options, state.File("broker.db"));
        await using var back = await Subscriber(restarted.Port, MqttProtocolVersion.V500);
        await WaitUntil(() => !back.Received.IsEmpty);
        await Task.Delay(500);
        Assert.Equal([$"{restarted.Root}/slides/long/result"], back.Received);

        await using var briefBack = await BrokerClient.ConnectAsync(restarted.Port, "lis2", "lis2-secret", clientId: "lis2-brief", cleanStart: false, sessionExpiry: 1);
        Assert.False(briefBack.SessionPresent);
        await Task.Delay(500);
        Assert.Empty(briefBack.Received);
    }

    private static EmbeddedBrokerOptions ReadOnly()
    {
        var options = new EmbeddedBrokerOptions();
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis2", Password = "lis2-secret" });
        return options;
    }

    // An LIS that keeps its session: a fixed client id, no clean start, and (MQTT 5) a session expiry.
    private static Task<BrokerClient> Subscriber(int port, MqttProtocolVersion version) =>
        BrokerClient.ConnectAsync(port, "lis", "lis-secret", clientId: "lis-results", version: version, cleanStart: false, sessionExpiry: version == MqttProtocolVersion.V500 ? 3600u : 0u);

    private static async Task WaitUntil(Func<bool> condition, Func<string>? why = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s. " + why?.Invoke());
            await Task.Delay(50);
        }
    }
}

using EdgeRuntime.Publishing.Broker;
using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Publishing.Tests;

/// <summary>
/// Replies to read-only requests, one tree per account (<c>requests/replies/{account}/</c>): on the embedded broker
/// and on Mosquitto with the shipped ACL, an account reads its own replies and never another's.
/// </summary>
public sealed class ReplyTreeTests
{
    [Fact]
    public async Task On_the_embedded_broker_one_read_only_account_never_sees_anothers_replies()
    {
        var options = new EmbeddedBrokerOptions();
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis", Password = "lis-secret" });
        options.ReadOnlyAccounts.Add(new BrokerAccountOptions { Username = "lis2", Password = "lis2-secret" });
        await using var broker = await RunningBroker.StartAsync(RunningBroker.Accounts(), options);
        var replies = $"{broker.Root}/requests/replies";
        await using var service = await BrokerClient.ConnectAsync(broker.Port, "svc", "svc-secret");
        await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret");
        await using var lis2 = await BrokerClient.ConnectAsync(broker.Port, "lis2", "lis2-secret");

        // Before: every read-only account read the one shared tree.
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await lis2.SubscribeAsync($"{replies}/lis/#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await lis2.SubscribeAsync("#"));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await lis.SubscribeAsync($"{replies}/lis/#"));
        await service.PublishAsync($"{replies}/lis/q1", "{\"ok\":true}");
        await service.PublishAsync($"{broker.Root}/slides/abc/state", "{}");
        await WaitUntil(() => lis.Received.Contains($"{replies}/lis/q1") && lis2.Received.Contains($"{broker.Root}/slides/abc/state"));
        Assert.DoesNotContain($"{replies}/lis/q1", lis2.Received);

        // A request names a response topic in its own account's tree only; one that names none is answered there.
        var request = $"{broker.Root}/requests/tasks/retrieval-index/search";
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await service.SubscribeAsync($"{broker.Root}/requests/tasks/+/+"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await lis2.PublishAsync(request, "{}", responseTopic: $"{replies}/lis/stolen"));
        Assert.Equal(MqttClientPublishReasonCode.Success, await lis2.PublishAsync(request, "{}", responseTopic: $"{replies}/lis2/q2"));
        Assert.Equal(MqttClientPublishReasonCode.Success, await lis2.PublishAsync(request, "{}"));
        await WaitUntil(() => service.ResponseTopics.Count >= 2);
        Assert.Equal([$"{replies}/lis2/q2", $"{replies}/lis2"], service.ResponseTopics);
    }

    [Fact]
    public async Task On_mosquitto_with_the_shipped_acl_one_read_only_account_never_sees_anothers_replies()
    {
        var users = new Dictionary<string, string> { ["edgeruntime-service"] = "svc-secret", ["lis"] = "lis-secret", ["lis2"] = "lis2-secret" };
        using var broker = new Mosquitto(users, Path.Combine(TestData.RepoRoot, "install", "mosquitto", "edgeruntime.acl"));
        var replies = "edgeruntime/box1/requests/replies";
        await using var service = await BrokerClient.ConnectAsync(broker.Port, "edgeruntime-service", "svc-secret");
        await using var lis = await BrokerClient.ConnectAsync(broker.Port, "lis", "lis-secret");
        await using var lis2 = await BrokerClient.ConnectAsync(broker.Port, "lis2", "lis2-secret");
        await lis.SubscribeAsync($"{replies}/#");
        await lis2.SubscribeAsync($"{replies}/#");
        await service.PublishAsync($"{replies}/lis/q1", "{}");
        await service.PublishAsync($"{replies}/lis2/q2", "{}");
        await WaitUntil(() => lis.Received.Contains($"{replies}/lis/q1") && lis2.Received.Contains($"{replies}/lis2/q2"));
        await Task.Delay(300);
        Assert.Equal([$"{replies}/lis/q1"], lis.Received);
        Assert.Equal([$"{replies}/lis2/q2"], lis2.Received);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(50);
        }
    }
}

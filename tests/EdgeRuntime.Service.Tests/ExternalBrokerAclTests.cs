using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// The admin ACL documented for external brokers (install/mosquitto/edgeruntime.acl), run by a real Mosquitto
/// with password authentication, in front of a real `edgert run`.
/// </summary>
public sealed class ExternalBrokerAclTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task With_the_documented_acl_only_the_admin_account_can_send_commands_and_it_gets_its_reply()
    {
        var users = new Dictionary<string, string> { ["edgeruntime-service"] = "svc-secret", ["edgeruntime-admin"] = "admin-secret", ["lis"] = "lis-secret" };
        using var broker = new Mosquitto(users, Path.Combine(TestData.RepoRoot, "install", "mosquitto", "edgeruntime.acl"));
        using var temp = new TempDirectory();
        var root = temp.File("plugins");
        Directory.CreateDirectory(Path.Combine(root, "models"));
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, username: "edgeruntime-service", password: "svc-secret", pluginsRoot: root, adminUsername: "edgeruntime-admin", adminPassword: "admin-secret");
        using var service = workspace.Start();
        await using var lis = await MqttProbe.StartAsync(broker.Port, "lis", "lis-secret");
        await lis.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online, seen by the LIS\n" + service.Output);

        const string Command = "edgeruntime/box1/admin/plugins/list";
        await using (var anonymous = await MqttAdminClient.ConnectAsync(broker.Port, null, null, "edgeruntime/box1/admin/replies/x"))
        {
            Assert.NotEqual(MqttClientConnectResultCode.Success, anonymous.ConnectResult);
        }

        foreach (var (user, password) in new[] { ("lis", "lis-secret"), ("edgeruntime-service", "svc-secret") })
        {
            await using var other = await MqttAdminClient.ConnectAsync(broker.Port, user, password, $"edgeruntime/box1/admin/replies/{user}");
            Assert.Equal(MqttClientConnectResultCode.Success, other.ConnectResult);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await other.SendAsync(Command, null, $"from-{user}"));
        }

        await using var admin = await MqttAdminClient.ConnectAsync(broker.Port, "edgeruntime-admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");
        var reply = await admin.RequestAsync(Command, null, "c-1", Patience);
        Assert.True(reply.GetProperty("ok").GetBoolean(), reply.ToString());
        Assert.Equal("tiny-reference", reply.GetProperty("active").GetProperty("model").GetProperty("id").GetString());
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("from-lis", service.Output);
        Assert.DoesNotContain("from-edgeruntime-service", service.Output);
    }
}

using System.Text.Json;
using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Task contract 2 end to end: a task plugin's long-lived service fed by slides in a real `edgert run`, and its
/// requests answered over MQTT 5 request/response, with the role taken from the topic tree (admin/ or requests/):
/// against the embedded broker and against a real Mosquitto with the shipped ACL.
/// </summary>
public sealed class TaskRequestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static string PluginsRoot(TempDirectory temp)
    {
        var root = temp.File("plugins");
        Directory.CreateDirectory(Path.Combine(root, "models"));
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        PluginRoots.CopyDirectory(Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.TestTaskPlugins.Module", "bin", configuration, "net10.0"), Path.Combine(root, "tasks", "tile-tally", "1.0.0"));
        return root;
    }

    [Fact]
    public async Task On_the_embedded_broker_a_task_answers_read_only_requests_and_refuses_an_admin_one_without_the_role()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: PluginsRoot(temp), adminUsername: "admin", adminPassword: "admin-secret", readOnlyAccounts: new() { ["lis"] = "lis-secret" });
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "lis", "lis-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");
        await using var reader = await MqttAdminClient.ConnectAsync(port, "lis", "lis-secret", "edgeruntime/box1/requests/replies/lis/reader-1");

        var activated = await admin.RequestAsync("edgeruntime/box1/admin/plugins/activate", new { kind = "tasks", id = "tile-tally", version = "1.0.0" }, "c-activate", Patience);
        Assert.True(activated.GetProperty("ok").GetBoolean(), activated.ToString());

        using var slide = Slides.Small(3);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        var kept = probe.On("/result").Single().Payload.GetProperty("tiles").GetProperty("kept").GetInt32();

        var count = await reader.RequestAsync("edgeruntime/box1/requests/tasks/tile-tally/count", null, "c-count", Patience);
        Assert.True(count.GetProperty("ok").GetBoolean(), count.ToString());
        Assert.Equal((kept, 1), (count.GetProperty("tiles").GetInt32(), count.GetProperty("slides").GetInt32()));

        // A response topic outside the account's replies would have the node publish there with its own rights (a
        // forged result): the embedded broker refuses the request itself (the service also refuses such a request
        // that reaches it through another broker).
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await reader.SendAsync("edgeruntime/box1/requests/tasks/tile-tally/count", null, "c-deputy", responseTopic: "edgeruntime/box1/slides/forged/result"));
        Assert.Empty(probe.On("slides/forged/result"));

        var refused = await reader.RequestAsync("edgeruntime/box1/requests/tasks/tile-tally/reset", new { confirm = true }, "c-reset-ro", Patience);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("needs the admin role; this request came as read-only", refused.GetProperty("reason").GetString());

        // The read-only account cannot reach the admin tree at all: the broker refuses the publish.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await reader.SendAsync("edgeruntime/box1/admin/tasks/tile-tally/reset", new { confirm = true }, "c-forged"));

        var reset = await admin.RequestAsync("edgeruntime/box1/admin/tasks/tile-tally/reset", new { confirm = true }, "c-reset", Patience);
        Assert.True(reset.GetProperty("ok").GetBoolean(), reset.ToString());
        Assert.Equal(0, reset.GetProperty("tiles").GetInt32());
        Assert.False(admin.HasReply("c-forged"));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Behind_mosquitto_with_the_shipped_acl_the_lis_asks_tasks_read_only_and_only_the_admin_resets()
    {
        var users = new Dictionary<string, string> { ["edgeruntime-service"] = "svc-secret", ["edgeruntime-admin"] = "admin-secret", ["lis"] = "lis-secret" };
        using var broker = new Mosquitto(users, Path.Combine(TestData.RepoRoot, "install", "mosquitto", "edgeruntime.acl"));
        using var temp = new TempDirectory();
        var root = PluginsRoot(temp);
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, username: "edgeruntime-service", password: "svc-secret", pluginsRoot: root, adminUsername: "edgeruntime-admin", adminPassword: "admin-secret");
        var active = workspace.PathOf("state/active-plugins.json");
        Directory.CreateDirectory(Path.GetDirectoryName(active)!);
        File.WriteAllText(active, JsonSerializer.Serialize(new { Tasks = new[] { new { Kind = "tasks", Id = "tile-tally", Version = "1.0.0" } } }));
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(broker.Port, "lis", "lis-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node online, seen by the LIS\n" + service.Output);
        using var slide = Slides.Small(4);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        var kept = probe.On("/result").Single().Payload.GetProperty("tiles").GetProperty("kept").GetInt32();

        await using var lis = await MqttAdminClient.ConnectAsync(broker.Port, "lis", "lis-secret", "edgeruntime/box1/requests/replies/lis/lis-1");
        var count = await lis.RequestAsync("edgeruntime/box1/requests/tasks/tile-tally/count", null, "c-count", Patience);
        Assert.True(count.GetProperty("ok").GetBoolean(), count.ToString());
        Assert.Equal(kept, count.GetProperty("tiles").GetInt32());
        var refused = await lis.RequestAsync("edgeruntime/box1/requests/tasks/tile-tally/reset", new { confirm = true }, "c-reset-ro", Patience);
        Assert.Contains("needs the admin role", refused.GetProperty("reason").GetString());
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await lis.SendAsync("edgeruntime/box1/admin/tasks/tile-tally/reset", new { confirm = true }, "c-forged"));

        await using var admin = await MqttAdminClient.ConnectAsync(broker.Port, "edgeruntime-admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");
        var reset = await admin.RequestAsync("edgeruntime/box1/admin/tasks/tile-tally/reset", new { confirm = true }, "c-reset", Patience);
        Assert.True(reset.GetProperty("ok").GetBoolean(), reset.ToString());
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("c-forged", service.Output);
    }
}

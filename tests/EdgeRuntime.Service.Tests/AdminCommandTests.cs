using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using MQTTnet;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Admin commands over MQTT 5 request/response against `edgert run` with its embedded broker, and new plugin
/// versions dropped into the watched plugins root: a real service process, real models, real plugins.
/// </summary>
public sealed class AdminCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private const string Root = "edgeruntime/box1";

    private static string PluginsRoot(TempDirectory temp)
    {
        var root = temp.File("plugins");
        PluginRoots.InstallTinyModel(root, "1.0.0");
        PluginRoots.InstallTinyModel(root, "1.1.0");
        var damaged = PluginRoots.InstallTinyModel(root, "1.2.0");
        File.AppendAllText(Path.Combine(damaged, "text_encoder.onnx"), "tampered");
        PluginRoots.InstallPrompts(root, "crc100k");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        PluginRoots.CopyDirectory(Path.Combine(TestData.RepoRoot, "plugins", "tasks", "EdgeRuntime.Tasks.EmbeddingSummary", "bin", configuration, "net10.0"), Path.Combine(root, "tasks", "embedding-summary", "1.0.0"));
        return root;
    }

    private static object Plugin(string kind, string id, string? version = null) =>
        version is null ? new { kind, id } : new { kind, id, version };

    [Fact]
    public async Task Admin_commands_need_the_admin_user_and_are_answered_on_the_response_topic_with_the_correlation_data()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: PluginsRoot(temp), adminUsername: "admin", adminPassword: "admin-secret");
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "svc", "svc-secret");
        // Metrics: the first one also says the service's client has subscribed to admin requests.
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);

        // Without credentials: the broker refuses the connection, so no command can even be sent.
        await using (var anonymous = await MqttAdminClient.ConnectAsync(port, null, null, $"{Root}/admin/replies/anonymous"))
        {
            Assert.True(anonymous.ConnectResult == MqttClientConnectResultCode.BadUserNameOrPassword, anonymous.ConnectError);
        }

        // With the service's own account: connected, but the admin ACL refuses the publish.
        await using (var intruder = await MqttAdminClient.ConnectAsync(port, "svc", "svc-secret", $"{Root}/admin/replies/svc"))
        {
            Assert.Equal(MqttClientConnectResultCode.Success, intruder.ConnectResult);
            var code = await intruder.SendAsync($"{Root}/admin/plugins/activate", Plugin("models", "tiny-reference", "1.1.0"), "forged");
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, code);
        }

        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", $"{Root}/admin/replies/admin-1");
        Assert.Equal(MqttClientConnectResultCode.Success, admin.ConnectResult);

        var list = await admin.RequestAsync($"{Root}/admin/plugins/list", null, "c-list", Patience);
        Assert.True(list.GetProperty("ok").GetBoolean());
        Assert.Equal("1.0.0", list.GetProperty("active").GetProperty("model").GetProperty("version").GetString()); // the forged command did nothing
        var versions = list.GetProperty("versions").EnumerateArray().Select(v => $"{v.GetProperty("kind").GetString()}/{v.GetProperty("id").GetString()}/{v.GetProperty("version").GetString()}").ToList();
        Assert.Equal(["models/tiny-reference/1.0.0", "models/tiny-reference/1.1.0", "models/tiny-reference/1.2.0", "prompts/crc100k/1.0.0", "tasks/embedding-summary/1.0.0", "tasks/features/1.0.0", "tasks/retrieval-index/1.0.0", "tasks/zero-shot-segmentation/1.0.0", "tasks/zero-shot-tagging/1.0.0"], versions);

        var activated = await admin.RequestAsync($"{Root}/admin/plugins/activate", Plugin("models", "tiny-reference", "1.1.0"), "c-activate", Patience);
        Assert.True(activated.GetProperty("ok").GetBoolean(), activated.ToString());
        Assert.Equal("1.1.0", activated.GetProperty("active").GetProperty("model").GetProperty("version").GetString());

        // A damaged version: refused with the reason in the reply and on plugins/events; 1.1.0 stays.
        var refused = await admin.RequestAsync($"{Root}/admin/plugins/activate", Plugin("models", "tiny-reference", "1.2.0"), "c-damaged", Patience);
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Contains("text_encoder.onnx: SHA-256 is", refused.GetProperty("reason").GetString());
        Assert.Equal("1.1.0", refused.GetProperty("active").GetProperty("model").GetProperty("version").GetString());
        await probe.WaitForAsync(p => p.On("/plugins/events").Any(e => e.Payload.GetProperty("event").GetString() == "refused"), Patience, "the refusal published");
        Assert.Contains("text_encoder.onnx", probe.On("/plugins/events").Single(e => e.Payload.GetProperty("event").GetString() == "refused").Payload.GetProperty("reason").GetString());

        // A malformed request names the field.
        var malformed = await admin.RequestAsync($"{Root}/admin/plugins/activate", new { kind = "models", id = "tiny-reference" }, "c-malformed", Patience);
        Assert.False(malformed.GetProperty("ok").GetBoolean());
        Assert.Contains("field 'version' is missing", malformed.GetProperty("reason").GetString());

        // A task plugin, hot: the next slide's result carries its output and its provenance.
        var task = await admin.RequestAsync($"{Root}/admin/plugins/activate", Plugin("tasks", "embedding-summary", "1.0.0"), "c-task", Patience);
        Assert.True(task.GetProperty("ok").GetBoolean(), task.ToString());
        using var slide = Slides.Small(1);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        var result = probe.On("/result").Single().Payload;
        Assert.Equal("ok", result.GetProperty("tasks").GetProperty("embedding-summary").GetProperty("status").GetString());
        Assert.Equal("1.1.0", result.GetProperty("provenance").GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(["zero-shot-tagging", "embedding-summary"], result.GetProperty("provenance").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("plugin").GetString()));

        var deactivated = await admin.RequestAsync($"{Root}/admin/plugins/deactivate", Plugin("tasks", "embedding-summary"), "c-deactivate", Patience);
        Assert.True(deactivated.GetProperty("ok").GetBoolean(), deactivated.ToString());
        Assert.Equal(["zero-shot-tagging"], deactivated.GetProperty("active").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        Assert.False(admin.HasReply("forged"));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_new_version_dropped_into_the_plugins_root_is_activated_only_once_complete_and_a_damaged_one_is_refused_and_published()
    {
        await using var node = await NodeOnOwnRootAsync(activateNewVersions: true);
        var (temp, root, workspace, service, probe) = (node.Temp, node.Root, node.Workspace, node.Service, node.Probe);

        // Being copied: the manifest is there, but the image encoder still has its temporary name.
        var copying = PluginRoots.InstallTinyModel(root, "1.1.0");
        File.Move(Path.Combine(copying, "image_encoder.onnx"), Path.Combine(copying, "image_encoder.onnx.part"));
        await Task.Delay(TimeSpan.FromSeconds(4)); // four quiet periods and four checks: enough to be looked at, were it complete
        Assert.DoesNotContain(probe.On("/plugins/events"), e => e.Payload.GetProperty("plugins").GetString()!.Contains("1.1.0", StringComparison.Ordinal));
        Assert.DoesNotContain("tiny-reference/1.1.0", service.Output);

        File.Move(Path.Combine(copying, "image_encoder.onnx.part"), Path.Combine(copying, "image_encoder.onnx"));
        await probe.WaitForAsync(p => p.On("/plugins/events").Any(e => e.Payload.GetProperty("event").GetString() == "activated"), Patience, "1.1.0 activated\n" + service.Output);
        var events = probe.On("/plugins/events").Select(e => e.Payload).ToList();
        Assert.Equal("available", events[0].GetProperty("event").GetString());
        Assert.Equal("models/tiny-reference/1.1.0", events[0].GetProperty("plugins").GetString());
        Assert.Equal("plugins root", events[1].GetProperty("origin").GetString());

        // A newer but damaged version, dropped whole: refused with the reason, and 1.1.0 keeps serving.
        var damaged = PluginRoots.InstallTinyModel(temp.File("staging"), "1.2.0", temp.File("staging"));
        File.AppendAllText(Path.Combine(damaged, "text_encoder.onnx"), "tampered");
        Directory.Move(damaged, Path.Combine(root, "models", "tiny-reference", "1.2.0"));
        await probe.WaitForAsync(p => p.On("/plugins/events").Any(e => e.Payload.GetProperty("event").GetString() == "refused"), Patience, "1.2.0 refused\n" + service.Output);
        var refusal = probe.On("/plugins/events").Single(e => e.Payload.GetProperty("event").GetString() == "refused").Payload;
        Assert.Contains("text_encoder.onnx: SHA-256 is", refusal.GetProperty("reason").GetString());

        using var slide = Slides.Small(2);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        Assert.Equal("1.1.0", probe.On("/result").Single().Payload.GetProperty("provenance").GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task With_activation_of_new_versions_off_a_new_version_is_announced_and_the_running_one_stays()
    {
        await using var node = await NodeOnOwnRootAsync(activateNewVersions: false);
        var (temp, root, workspace, service, probe) = (node.Temp, node.Root, node.Workspace, node.Service, node.Probe);

        PluginRoots.InstallTinyModel(temp.File("staging"), "1.1.0", temp.File("staging"));
        Directory.Move(temp.File("staging/1.1.0"), Path.Combine(root, "models", "tiny-reference", "1.1.0"));
        await probe.WaitForAsync(p => p.On("/plugins/events").Any(e => e.Payload.GetProperty("event").GetString() == "available"), Patience, "1.1.0 announced\n" + service.Output);

        // The decision not to activate follows the announcement at once; a slide dropped after it shows what runs.
        using var slide = Slides.Small(4);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        Assert.Equal("1.0.0", probe.On("/result").Single().Payload.GetProperty("provenance").GetProperty("model").GetProperty("version").GetString());
        Assert.DoesNotContain(probe.On("/plugins/events"), e => e.Payload.GetProperty("event").GetString() == "activated");
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    /// <summary>`edgert run` on its own plugins root holding tiny-reference 1.0.0 (active) and the CRC-100K prompts, publishing.</summary>
    private static async Task<RootedNode> NodeOnOwnRootAsync(bool activateNewVersions)
    {
        var temp = new TempDirectory();
        var root = temp.File("plugins");
        PluginRoots.InstallTinyModel(root, "1.0.0");
        PluginRoots.InstallPrompts(root, "crc100k");
        var port = Mosquitto.FreePort();
        var workspace = new ServiceWorkspace(port, embedded: true, pluginsRoot: root, activateNewVersions: activateNewVersions);
        Assert.Equal(0, Edgert("plugins", "activate", "models", "tiny-reference", "1.0.0", "--config", workspace.ConfigPath));
        var service = workspace.Start();
        var probe = await MqttProbe.StartAsync(port);
        var node = new RootedNode(temp, root, workspace, service, probe);
        try
        {
            await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
            return node;
        }
        catch
        {
            await node.DisposeAsync(); // never leave a service process behind
            throw;
        }
    }

    private sealed record RootedNode(TempDirectory Temp, string Root, ServiceWorkspace Workspace, ServiceProcess Service, MqttProbe Probe) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Probe.DisposeAsync();
            Service.Dispose();
            Workspace.Dispose();
            Temp.Dispose();
        }
    }

    private static int Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return EdgeRuntime.Cli.EdgertApp.Run(args, output, error);
    }
}

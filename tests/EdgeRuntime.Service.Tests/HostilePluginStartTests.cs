using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Hostile model packages and broken plugins against the real <c>edgert run</c> (issue 22 §1): a model version
/// whose graph allocates without bound or loops forever, activated over MQTT and from the CLI while the service
/// runs, is refused with the reason and the model that ran keeps processing slides; and a broken model and a broken
/// task named in the active file at start no longer keep the service from starting (it exited 1): they are left out
/// with the reason (published, in <c>edgert status</c> and <c>edgert plugins list</c>) and the configured ones run.
/// </summary>
public sealed class HostilePluginStartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (EdgertApp.Run(args, output, error), output.ToString(), error.ToString());
    }

    /// <summary>Tighter verification bounds than a site's, so that the hanging graph costs seconds, not minutes.</summary>
    private static void TightenVerification(ServiceWorkspace workspace)
    {
        var config = JsonNode.Parse(File.ReadAllText(workspace.ConfigPath))!;
        config["EdgeRuntime"]!["Plugins"]!["VerifyModelTimeoutSeconds"] = 20;
        config["EdgeRuntime"]!["Plugins"]!["VerifyModelMemoryMiB"] = 512;
        File.WriteAllText(workspace.ConfigPath, config.ToJsonString());
    }

    [Fact]
    public async Task Hostile_model_versions_are_refused_over_mqtt_and_from_the_cli_and_the_running_model_keeps_processing()
    {
        using var temp = new TempDirectory();
        var plugins = temp.File("plugins");
        PluginRoots.InstallTinyModel(plugins, "1.0.0");
        HostileModels.Install(plugins, "allocates", "6.6.6");
        HostileModels.Install(plugins, "hangs", "6.6.7");
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: plugins, adminUsername: "admin", adminPassword: "admin-secret", activateNewVersions: false);
        TightenVerification(workspace);
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "svc", "svc-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);

        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");
        var reply = await admin.RequestAsync("edgeruntime/box1/admin/plugins/activate", new { kind = "models", id = "tiny-reference", version = "6.6.6" }, "c-allocates", Patience);
        Assert.False(reply.GetProperty("ok").GetBoolean(), reply.ToString());
        Assert.Contains("exceeded the memory limit of 512 MiB (EdgeRuntime:Plugins:VerifyModelMemoryMiB)", reply.GetProperty("reason").GetString());

        var cli = Edgert("plugins", "activate", "models", "tiny-reference", "6.6.7", "--config", workspace.ConfigPath);
        Assert.Equal(1, cli.Code);
        Assert.Contains("did not finish verification within 20 s (EdgeRuntime:Plugins:VerifyModelTimeoutSeconds)", cli.Error);
        Assert.True(service.Running, service.Output);

        // The next slide is processed, on the model that ran before.
        using var slide = Slides.Small(0);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result after the refusals\n" + service.Output);
        var model = probe.On("/result").Single().Payload.GetProperty("provenance").GetProperty("model");
        Assert.Equal("tiny-reference", model.GetProperty("id").GetString());
        Assert.NotEqual("6.6.6", model.GetProperty("version").GetString());
        Assert.NotEqual("6.6.7", model.GetProperty("version").GetString());
        Assert.Contains(probe.On("/plugins/events"), e => e.Payload.GetProperty("event").GetString() == "refused" && e.Payload.GetProperty("plugins").GetString() == "models/tiny-reference/6.6.6");
        Assert.All(probe.On("box1/status"), s => Assert.Equal("online", s.Payload.GetProperty("state").GetString())); // no last will: it never died
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_broken_model_and_a_broken_task_in_the_active_file_are_left_out_at_start_with_the_reason_and_the_service_runs_without_them()
    {
        using var temp = new TempDirectory();
        var plugins = temp.File("plugins");
        HostileModels.Install(plugins, "truncated", "6.6.6");
        BrokenTaskPlugins.Install(plugins, "junk-dll", "badtask");
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, pluginsRoot: plugins, activateNewVersions: false);
        var activeFile = Path.Combine(Path.GetDirectoryName(workspace.ConfigPath)!, "state", "active-plugins.json");
        Directory.CreateDirectory(Path.GetDirectoryName(activeFile)!);
        File.WriteAllText(activeFile, """
            { "Model": { "Kind": "models", "Id": "tiny-reference", "Version": "6.6.6" },
              "Tasks": [ { "Kind": "tasks", "Id": "zero-shot-tagging", "Version": "1.0.0" }, { "Kind": "tasks", "Id": "badtask", "Version": "1.0.0" } ] }
            """);
        await using var probe = await MqttProbe.StartAsync(broker.Port); // before the service: the refusals are published as it starts

        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("/plugins/events").Count(e => e.Payload.GetProperty("event").GetString() == "refused") >= 2, Patience, "two refusals at start\n" + service.Output);
        Assert.True(service.Running, service.Output);

        var refusals = probe.On("/plugins/events").Where(e => e.Payload.GetProperty("event").GetString() == "refused").Select(e => e.Payload).ToList();
        Assert.All(refusals, r => Assert.Equal("start", r.GetProperty("origin").GetString()));
        Assert.Contains(refusals, r => r.GetProperty("plugins").GetString() == "models/tiny-reference/6.6.6" && r.GetProperty("reason").GetString()!.Contains("image_encoder.onnx: not a readable ONNX graph", StringComparison.Ordinal));
        Assert.Contains(refusals, r => r.GetProperty("plugins").GetString() == "tasks/badtask/1.0.0" && r.GetProperty("reason").GetString()!.Contains("crashed natively (signal 6", StringComparison.Ordinal));

        // The configured model and the good task run: the next slide is processed with them.
        using var slide = Slides.Small(0);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result\n" + service.Output);
        var provenance = probe.On("/result").Single().Payload.GetProperty("provenance");
        Assert.Equal("1.0.0", provenance.GetProperty("model").GetProperty("version").GetString());
        Assert.Equal(["zero-shot-tagging"], provenance.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        // What the admin sees: the active file says what runs; status and plugins list say what was left out, and why.
        using (var active = JsonDocument.Parse(File.ReadAllText(activeFile)))
        {
            Assert.Equal(JsonValueKind.Null, active.RootElement.GetProperty("Model").ValueKind);
            Assert.Equal(["zero-shot-tagging"], active.RootElement.GetProperty("Tasks").EnumerateArray().Select(t => t.GetProperty("Id").GetString()));
        }

        var status = Edgert("status", "--config", workspace.ConfigPath);
        Assert.Contains("Plugin:      models/tiny-reference/6.6.6 left out at the last start: ", status.Out);
        Assert.Contains("Plugin:      tasks/badtask/1.0.0 left out at the last start: ", status.Out);
        var list = Edgert("plugins", "list", "--config", workspace.ConfigPath);
        Assert.Contains(list.Out.Split('\n'), l => l.StartsWith("  models", StringComparison.Ordinal) && l.Contains("6.6.6", StringComparison.Ordinal) && l.Contains("refused: ", StringComparison.Ordinal) && l.Contains("not a readable ONNX graph", StringComparison.Ordinal));
        Assert.Contains(list.Out.Split('\n'), l => l.Contains("badtask", StringComparison.Ordinal) && l.Contains("refused: ", StringComparison.Ordinal) && l.Contains("crashed natively", StringComparison.Ordinal));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }
}

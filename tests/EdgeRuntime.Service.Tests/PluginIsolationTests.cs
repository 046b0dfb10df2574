using System.Text.Json;
using EdgeRuntime.Cli;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Broken task plugins against the real <c>edgert run</c> with its embedded broker (issue 22 §1: a junk DLL with a
/// <c>{}</c> deps.json aborted the service natively, broker and all, through the CLI and over MQTT alike), and two
/// plugin changes in a row from the CLI while the service runs (issue 23 §2: the second was lost).
/// </summary>
public sealed class PluginIsolationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    private const string Root = "edgeruntime/box1";

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (EdgertApp.Run(args, output, error), output.ToString(), error.ToString());
    }

    private static string PluginsRoot(TempDirectory temp)
    {
        var root = temp.File("plugins");
        PluginRoots.InstallTinyModel(root, "1.0.0");
        PluginRoots.InstallTinyModel(root, "1.1.0");
        PluginRoots.InstallPrompts(root, "crc100k");
        PluginRoots.InstallPrompts(root, "sicapv2");
        return root;
    }

    [Fact]
    public async Task Plugins_that_crash_natively_are_refused_by_the_cli_and_over_mqtt_and_the_service_keeps_serving()
    {
        using var temp = new TempDirectory();
        var plugins = PluginsRoot(temp);
        BrokenTaskPlugins.Install(plugins, "junk-dll", "badtask");
        BrokenTaskPlugins.Install(plugins, "fail-fast", "givesup");
        BrokenTaskPlugins.Install(plugins, "stack-overflow", "recurses");
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: plugins, adminUsername: "admin", adminPassword: "admin-secret");
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "svc", "svc-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);

        var cli = Edgert("plugins", "activate", "tasks", "badtask", "1.0.0", "--config", workspace.ConfigPath);
        Assert.Equal(1, cli.Code);
        Assert.Contains("tasks/badtask/1.0.0: crashed natively (signal 6, SIGABRT)", cli.Error);

        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", $"{Root}/admin/replies/admin-1");
        foreach (var id in new[] { "badtask", "givesup", "recurses" })
        {
            var reply = await admin.RequestAsync($"{Root}/admin/plugins/activate", new { kind = "tasks", id, version = "1.0.0" }, "c-" + id, Patience);
            Assert.False(reply.GetProperty("ok").GetBoolean(), reply.ToString());
            Assert.Contains($"tasks/{id}/1.0.0: crashed natively (signal ", reply.GetProperty("reason").GetString());
            Assert.True(service.Running, service.Output);
        }

        // Still the same service, serving: the next slide is processed with the tasks that ran before.
        using var slide = Slides.Small(0);
        workspace.Drop(slide.Path);
        await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "a result after the refusals\n" + service.Output);
        var result = probe.On("/result").Single().Payload;
        Assert.Equal(["zero-shot-tagging"], result.GetProperty("provenance").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(probe.On("box1/status"), s => Assert.Equal("online", s.Payload.GetProperty("state").GetString())); // no last will: it never died
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Two_cli_changes_in_a_row_while_the_service_runs_both_take_effect_and_are_confirmed()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        using var workspace = new ServiceWorkspace(port, embedded: true, pluginsRoot: PluginsRoot(temp));
        Assert.Equal(0, Edgert("plugins", "activate", "prompts", "crc100k", "1.0.0", "--config", workspace.ConfigPath).Code);
        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port);
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);

        // The field report's sequence: a model, then at once a prompt set.
        var model = Edgert("plugins", "activate", "models", "tiny-reference", "1.1.0", "--config", workspace.ConfigPath);
        var prompts = Edgert("plugins", "activate", "prompts", "sicapv2", "1.0.0", "--config", workspace.ConfigPath);

        Assert.True(model.Code == 0, model.Error + service.Output);
        Assert.True(prompts.Code == 0, prompts.Error + service.Output);
        Assert.Equal("active: models/tiny-reference/1.1.0", model.Out.Trim());
        Assert.Equal("active: prompts/sicapv2/1.0.0", prompts.Out.Trim());
        Assert.Contains("Activated model tiny-reference 1.1.0, prompts sicapv2 1.0.0", service.Output);

        // And it stays so: the service's own record of what runs has both.
        using var active = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(workspace.ConfigPath)!, "state", "active-plugins.json")));
        Assert.Equal("1.1.0", active.RootElement.GetProperty("Model").GetProperty("Version").GetString());
        Assert.Equal("sicapv2", active.RootElement.GetProperty("Prompts").GetProperty("Id").GetString());
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Prototype sets as plugins of their own kind, swapped while `edgert run` serves: activated for a task over MQTT,
/// refused when made by another model or for a task that does not run, upgraded by a new version dropped into the
/// plugins root, rolled back with the CLI and deactivated. With the texture test model, so that each slide's tag
/// shows which set scored it, besides the provenance.
/// </summary>
public sealed class PrototypeSwapTests
{
    private const int Tile = 224;
    private const string Admin = "edgeruntime/box1/admin/plugins";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_prototype_set_is_activated_refused_upgraded_rolled_back_and_deactivated_while_the_service_runs()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        var root = temp.File("plugins");
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: root, adminUsername: "admin", adminPassword: "admin-secret", textureTestModel: true);

        // 1.0.0 from labelled held-out crops, written where the plugins root expects it (the command's default).
        var examples = TestModel.HeldOut(temp.File("examples"), 3);
        Run("prototypes", "build", examples, "--id", "textures-3shot", "--version", "1.0.0", "--config", workspace.ConfigPath);
        Assert.True(File.Exists(Path.Combine(root, "prototypes", "textures-3shot", "1.0.0", "prototypes.json")));

        // The same examples with grass called "lawn", for 1.1.0 (a slide's tag then says which set scored it), and a
        // copy of 1.0.0 that claims another model.
        var renamed = temp.File("renamed");
        foreach (var name in TestModel.Classes)
        {
            PluginRoots.CopyDirectory(Path.Combine(examples, name), Path.Combine(renamed, name == "grass" ? "lawn" : name));
        }

        Run("prototypes", "build", renamed, "-o", temp.File("staging/1.1.0"), "--id", "textures-3shot", "--version", "1.1.0", "--config", workspace.ConfigPath);
        var foreign = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "prototypes", "textures-3shot", "1.0.0", "prototypes.json")))!;
        foreign["modelId"] = "plip";
        Directory.CreateDirectory(Path.Combine(root, "prototypes", "textures-3shot", "0.9.0"));
        File.WriteAllText(Path.Combine(root, "prototypes", "textures-3shot", "0.9.0", "prototypes.json"), foreign.ToJsonString());

        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "svc", "svc-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");

        // Prompts first: the model's own prompt set tags a grass slide "grass".
        Assert.Equal(("grass", "prompts", "textures"), await TagGrassSlideAsync(workspace, probe, service, 1));

        var activated = await admin.RequestAsync($"{Admin}/activate", new { kind = "prototypes", id = "textures-3shot", version = "1.0.0", tasks = new[] { "zero-shot-tagging" } }, "c-activate", Patience);
        Assert.True(activated.GetProperty("ok").GetBoolean(), activated.ToString());
        var serving = activated.GetProperty("active").GetProperty("prototypes")[0];
        Assert.Equal(("zero-shot-tagging", "textures-3shot", "1.0.0"), (serving.GetProperty("task").GetString(), serving.GetProperty("id").GetString(), serving.GetProperty("version").GetString()));
        Assert.Equal(("grass", "prototypes", "textures-3shot"), await TagGrassSlideAsync(workspace, probe, service, 2));
        Assert.Equal("1.0.0", LastTaggingClassSet(probe).GetProperty("version").GetString());

        // Refusals name the reason, and 1.0.0 keeps serving.
        var otherModel = await admin.RequestAsync($"{Admin}/activate", new { kind = "prototypes", id = "textures-3shot", version = "0.9.0" }, "c-foreign", Patience);
        Assert.False(otherModel.GetProperty("ok").GetBoolean());
        Assert.Contains("modelId 'plip': made by another model than 'texture-test-model'", otherModel.GetProperty("reason").GetString());
        var noTask = await admin.RequestAsync($"{Admin}/activate", new { kind = "prototypes", id = "textures-3shot", version = "1.0.0", tasks = new[] { "zero-shot-tagger" } }, "c-typo", Patience);
        Assert.False(noTask.GetProperty("ok").GetBoolean());
        Assert.Contains("no active task is named 'zero-shot-tagger' (active: zero-shot-tagging)", noTask.GetProperty("reason").GetString());
        var badTasks = await admin.RequestAsync($"{Admin}/activate", new { kind = "prototypes", id = "textures-3shot", version = "1.0.0", tasks = "zero-shot-tagging" }, "c-shape", Patience);
        Assert.Contains("field 'tasks' must be an array", badTasks.GetProperty("reason").GetString());
        Assert.Equal("1.0.0", noTask.GetProperty("active").GetProperty("prototypes")[0].GetProperty("version").GetString());

        // A newer version dropped into the plugins root takes over the tasks the set serves.
        Directory.Move(temp.File("staging/1.1.0"), Path.Combine(root, "prototypes", "textures-3shot", "1.1.0"));
        await probe.WaitForAsync(p => p.On("/plugins/events").Any(e => e.Payload.GetProperty("event").GetString() == "activated" && e.Payload.GetProperty("origin").GetString() == "plugins root"), Patience, "1.1.0 activated\n" + service.Output);
        Assert.Equal(("lawn", "prototypes", "textures-3shot"), await TagGrassSlideAsync(workspace, probe, service, 3));
        Assert.Equal("1.1.0", LastTaggingClassSet(probe).GetProperty("version").GetString());

        // Rolled back on the box with the CLI (through the active file), recorded there for the next start.
        Run("plugins", "activate", "prototypes", "textures-3shot", "1.0.0", "--config", workspace.ConfigPath);
        await probe.WaitForAsync(p => p.On("/plugins/events").Count(e => e.Payload.GetProperty("event").GetString() == "activated") >= 3, Patience, "the rollback applied\n" + service.Output);
        Assert.Equal(("grass", "prototypes", "textures-3shot"), await TagGrassSlideAsync(workspace, probe, service, 4));
        Assert.Equal("1.0.0", LastTaggingClassSet(probe).GetProperty("version").GetString());
        using (var file = JsonDocument.Parse(File.ReadAllText(workspace.PathOf("state/active-plugins.json"))))
        {
            Assert.Equal("1.0.0", file.RootElement.GetProperty("Prototypes").GetProperty("zero-shot-tagging").GetProperty("Version").GetString());
        }

        // Deactivated: the task goes back to its prompt set.
        var deactivated = await admin.RequestAsync($"{Admin}/deactivate", new { kind = "prototypes", id = "textures-3shot" }, "c-off", Patience);
        Assert.True(deactivated.GetProperty("ok").GetBoolean(), deactivated.ToString());
        Assert.Equal(0, deactivated.GetProperty("active").GetProperty("prototypes").GetArrayLength());
        Assert.Equal(("grass", "prompts", "textures"), await TagGrassSlideAsync(workspace, probe, service, 5));
        Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Drops a slide of grass (a different size each time, so each is a new slide) and returns its top tag and the tagging task's class set.</summary>
    private static async Task<(string Tag, string Kind, string Id)> TagGrassSlideAsync(ServiceWorkspace workspace, MqttProbe probe, ServiceProcess service, int n)
    {
        var before = probe.On("/result").Count;
        using var slide = new TextureSlide((2 + n) * Tile, 2 * Tile, [("grass", 0, 0, (2 + n) * Tile, 2 * Tile)]);
        workspace.Drop(slide.Path, $"grass-{n}.tiff");
        await probe.WaitForAsync(p => p.On("/result").Count > before, Patience, $"result {n}\n" + service.Output);
        var result = probe.On("/result")[^1].Payload;
        var tag = result.GetProperty("tasks").GetProperty("zero-shot-tagging").GetProperty("output").GetProperty("tags")[0].GetProperty("class").GetString()!;
        var set = LastTaggingClassSet(probe);
        return (tag, set.GetProperty("kind").GetString()!, set.GetProperty("id").GetString()!);
    }

    private static JsonElement LastTaggingClassSet(MqttProbe probe) =>
        probe.On("/result")[^1].Payload.GetProperty("provenance").GetProperty("tasks").EnumerateArray()
            .Single(t => t.GetProperty("plugin").GetString() == "zero-shot-tagging").GetProperty("classSet");

    private static void Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = EdgeRuntime.Cli.EdgertApp.Run(args, output, error);
        Assert.True(code == 0, $"edgert {string.Join(' ', args)} exited {code}: {error}");
    }
}

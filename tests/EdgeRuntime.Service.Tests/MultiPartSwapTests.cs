using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// Several plugin versions changed as one while `edgert run` has slides in flight (two at a time): zero-shot tagging
/// moved from the tiny vision-language reference (scoring against its prompt set) to the UNI twin (vision-only,
/// scoring against the prototype set UNI made), with a task joining, as one MQTT <c>plugins/activate</c> with
/// <c>parts</c>; the rollback as one change from the box's CLI (<c>--with</c>), which the service applies and answers;
/// then the first change with a prototype set another model made, refused whole with that part's reason. Every
/// result must name one whole state, never a model with the other state's class set or tasks.
/// </summary>
public sealed class MultiPartSwapTests(ITestOutputHelper output)
{
    private const string Admin = "edgeruntime/box1/admin/plugins";
    private const string Tagging = "zero-shot-tagging";
    private const string Summary = "embedding-summary";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);

    // The new whole state: model, the class set tagging scores against, and whether the summary task ran.
    private const string New = "uni prototypes:uni-textures summary=True";

    [Fact]
    public async Task A_model_its_prototype_set_and_a_task_change_as_one_over_MQTT_and_the_CLI_while_slides_run_and_a_bad_part_refuses_the_whole_change()
    {
        using var temp = new TempDirectory();
        var port = Mosquitto.FreePort();
        var root = temp.File("plugins");
        PluginRoots.InstallTinyModel(root, ReferenceModels.Version);
        PluginRoots.CopyDirectory(FamilyTwins.Package("uni"), Path.Combine(root, "models", "uni", "1.0.0"));
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        PluginRoots.CopyDirectory(Path.Combine(TestData.RepoRoot, "plugins", "tasks", "EdgeRuntime.Tasks.EmbeddingSummary", "bin", configuration, "net10.0"), Path.Combine(root, "tasks", Summary, "1.0.0"));
        WritePrototypeSet(root, "uni-textures", "uni");
        WritePrototypeSet(root, "tiny-textures", ReferenceModels.Tiny); // the same width, made by the other model
        using var workspace = new ServiceWorkspace(port, embedded: true, username: "svc", password: "svc-secret", pluginsRoot: root, adminUsername: "admin", adminPassword: "admin-secret", slidesInFlight: 2);
        Assert.Equal(0, Edgert("plugins", "activate", "models", ReferenceModels.Tiny, ReferenceModels.Version, "--config", workspace.ConfigPath).Code);

        using var service = workspace.Start();
        await using var probe = await MqttProbe.StartAsync(port, "svc", "svc-secret");
        await probe.WaitForAsync(p => p.On("box1/metrics").Count > 0, Patience, "the node publishing\n" + service.Output);
        await using var admin = await MqttAdminClient.ConnectAsync(port, "admin", "admin-secret", "edgeruntime/box1/admin/replies/admin-1");

        // A larger slide among the first ones, so that the change lands while slides are being processed.
        List<GeneratedSlide> slides = [Slides.Many(0), Slides.Large(0), .. Enumerable.Range(1, 7).Select(Slides.Many)];
        try
        {
            foreach (var slide in slides.Take(4))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= 1, Patience, "the first result\n" + service.Output);
            var listBefore = await admin.RequestAsync($"{Admin}/list", null, "c-list-before", Patience);
            var old = StateOf(listBefore.GetProperty("active")); // the tiny model, its prompt set, no summary
            Assert.Matches($"^{ReferenceModels.Tiny} prompts:[^ ]+ summary=False$", old);

            // (a) Over MQTT, while the first slides are being processed: the model, the set it made and a task.
            var moved = await admin.RequestAsync($"{Admin}/activate", Change("uni-textures"), "c-move", Patience);
            var resultsAtChange = probe.On("/result").Count;
            Assert.True(moved.GetProperty("ok").GetBoolean(), moved.ToString());
            Assert.Equal(New, StateOf(moved.GetProperty("active")));
            await probe.WaitForAsync(p => Events(p, "activated").Count > 0, Patience, "the change's event\n" + service.Output);
            Assert.Equal($"models/uni/1.0.0, tasks/{Tagging}/1.0.0, tasks/{Summary}/1.0.0, prototypes/uni-textures/1.0.0", Events(probe, "activated")[0].GetProperty("plugins").GetString());
            var listed = await admin.RequestAsync($"{Admin}/list", null, "c-list-moved", Patience);
            Assert.Equal(moved.GetProperty("active").ToString(), listed.GetProperty("active").ToString());
            var marked = listed.GetProperty("versions").EnumerateArray().Where(v => v.GetProperty("active").GetBoolean()).Select(v => $"{v.GetProperty("kind").GetString()}/{v.GetProperty("id").GetString()}/{v.GetProperty("version").GetString()}").ToHashSet();
            Assert.Superset(new HashSet<string> { "models/uni/1.0.0", "prototypes/uni-textures/1.0.0", "tasks/embedding-summary/1.0.0" }, marked);
            Assert.DoesNotContain($"models/{ReferenceModels.Tiny}/{ReferenceModels.Version}", marked);
            using (var file = JsonDocument.Parse(File.ReadAllText(workspace.PathOf("state/active-plugins.json"))))
            {
                Assert.Equal("uni", file.RootElement.GetProperty("Model").GetProperty("Id").GetString());
                Assert.Equal("uni-textures", file.RootElement.GetProperty("Prototypes").GetProperty(Tagging).GetProperty("Id").GetString());
            }

            foreach (var slide in slides.Skip(4).Take(2))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= 6, Patience, "six results\n" + service.Output);

            // (c) From the box's CLI against the running service. A change with a part that does not fit is refused
            // before it reaches the service; the rollback is one change, applied by the service and answered.
            var foreign = Edgert("plugins", "activate", "models", "uni", "1.0.0", "--with", "prototypes/tiny-textures/1.0.0", "--task", Tagging, "--config", workspace.ConfigPath);
            Assert.Equal(1, foreign.Code);
            Assert.Contains("modelId 'tiny-reference': made by another model than 'uni'", foreign.Error, StringComparison.Ordinal);
            var back = Edgert("plugins", "activate", "models", ReferenceModels.Tiny, ReferenceModels.Version, "--with", "prototypes/uni-textures/-", "--with", $"tasks/{Summary}/-", "--config", workspace.ConfigPath);
            Assert.True(back.Code == 0, back.Error);
            Assert.Contains($"active: models/{ReferenceModels.Tiny}/{ReferenceModels.Version}, prototypes/uni-textures/-, tasks/{Summary}/-", back.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("no service runs", back.Out, StringComparison.Ordinal);
            await probe.WaitForAsync(p => Events(p, "activated").Any(e => e.GetProperty("origin").GetString() == "edgert plugins"), Patience, "the rollback's event\n" + service.Output);
            Assert.Equal($"models/{ReferenceModels.Tiny}/{ReferenceModels.Version}, tasks/{Tagging}/1.0.0", Events(probe, "activated").Single(e => e.GetProperty("origin").GetString() == "edgert plugins").GetProperty("plugins").GetString());
            var listBack = await admin.RequestAsync($"{Admin}/list", null, "c-list-back", Patience);
            Assert.Equal(old, StateOf(listBack.GetProperty("active")));
            Assert.Equal(listBefore.GetProperty("active").ToString(), listBack.GetProperty("active").ToString());
            Assert.Matches($@"(?m)^\* models +{ReferenceModels.Tiny} +{ReferenceModels.Version}", Edgert("plugins", "list", "--config", workspace.ConfigPath).Out);

            // (b) Over MQTT, the change with one bad part, a prototype set made by the tiny model: refused whole with
            // that part's reason; neither the model, nor the set, nor the task changes.
            var fileBack = File.ReadAllText(workspace.PathOf("state/active-plugins.json"));
            var refused = await admin.RequestAsync($"{Admin}/activate", Change("tiny-textures"), "c-refused", Patience);
            Assert.False(refused.GetProperty("ok").GetBoolean(), refused.ToString());
            var reason = refused.GetProperty("reason").GetString()!;
            Assert.Contains("prototypes/tiny-textures/1.0.0", reason, StringComparison.Ordinal);
            Assert.Contains("modelId 'tiny-reference': made by another model than 'uni'", reason, StringComparison.Ordinal);
            Assert.Equal(listBack.GetProperty("active").ToString(), refused.GetProperty("active").ToString());
            var listAfter = await admin.RequestAsync($"{Admin}/list", null, "c-list-after", Patience);
            Assert.Equal(listBack.GetProperty("active").ToString(), listAfter.GetProperty("active").ToString());
            Assert.Equal(fileBack, File.ReadAllText(workspace.PathOf("state/active-plugins.json")));
            await probe.WaitForAsync(p => Events(p, "refused").Count > 0, Patience, "the refusal published\n" + service.Output);
            var refusal = Assert.Single(Events(probe, "refused"));
            Assert.Contains("made by another model than 'uni'", refusal.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("prototypes/tiny-textures/1.0.0", refusal.GetProperty("plugins").GetString(), StringComparison.Ordinal);

            foreach (var slide in slides.Skip(6))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= slides.Count, Patience, "every result\n" + service.Output);

            // Every slide once, each made by one whole state: the slides dropped after a change by that change's.
            var results = probe.On("/result").Select(r => r.Payload).ToList();
            Assert.Equal(slides.Count, results.Select(r => r.GetProperty("slideId").GetString()).Distinct().Count());
            var stateOf = results.ToDictionary(r => r.GetProperty("file").GetProperty("name").GetString()!, StateOfResult);
            Assert.All(stateOf.Values, s => Assert.Contains(s, new[] { old, New }));
            Assert.All(slides.Skip(4).Take(2), s => Assert.Equal(New, stateOf[Path.GetFileName(s.Path)]));
            Assert.All(slides.Skip(6), s => Assert.Equal(old, stateOf[Path.GetFileName(s.Path)]));
            Assert.Equal(old, StateOfResult(results[0])); // out before the change
            output.WriteLine($"slides on the old state whose result came after the change's reply: {results.Skip(resultsAtChange).Count(r => StateOfResult(r) == old)}");

            // In the order slides started, the state switches exactly twice: old, new, old.
            var byId = results.ToDictionary(r => r.GetProperty("slideId").GetString()!, StateOfResult);
            var started = probe.On("/state").Where(s => s.Payload.GetProperty("state").GetString() == "processing").Select(s => byId[s.Payload.GetProperty("slideId").GetString()!]).ToList();
            Assert.Equal(slides.Count, started.Count);
            Assert.True(started.Zip(started.Skip(1)).Count(pair => pair.First != pair.Second) == 2 && started[0] == old, string.Join(", ", started));
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    // The UNI twin's or the tiny model's change: its model, a prototype set for tagging, and the summary task.
    private static object Change(string prototypeSet) => new
    {
        parts = new object[]
        {
            new { kind = "models", id = "uni", version = "1.0.0" },
            new { kind = "prototypes", id = prototypeSet, version = "1.0.0", tasks = new[] { Tagging } },
            new { kind = "tasks", id = Summary, version = "1.0.0" },
        },
    };

    // A 32-wide prototype set (both models embed 32 values) of two classes, as `edgert prototypes build` writes it.
    private static void WritePrototypeSet(string root, string id, string modelId)
    {
        var folder = Path.Combine(root, "prototypes", id, "1.0.0");
        Directory.CreateDirectory(folder);
        var random = new Random(id.Length);
        JsonNode Class(string name) => new JsonObject
        {
            ["name"] = name,
            ["examples"] = 1,
            ["embedding"] = new JsonArray([.. Enumerable.Range(0, 32).Select(_ => (JsonNode)(random.NextDouble() - 0.5))]),
        };
        var set = new JsonObject { ["schemaVersion"] = 1, ["id"] = id, ["version"] = "1.0.0", ["modelId"] = modelId, ["classes"] = new JsonArray(Class("tumour"), Class("stroma")) };
        File.WriteAllText(Path.Combine(folder, "prototypes.json"), set.ToJsonString());
    }

    // The state an admin reply's `active` names, in the same words as a result's.
    private static string StateOf(JsonElement active)
    {
        var sets = active.GetProperty("prototypes").EnumerateArray().ToList();
        var set = sets.FirstOrDefault(s => s.GetProperty("task").GetString() == Tagging);
        var classes = sets.Count == 0 ? $"prompts:{active.GetProperty("prompts").GetProperty("id").GetString()}" : $"prototypes:{set.GetProperty("id").GetString()}";
        var summary = active.GetProperty("tasks").EnumerateArray().Any(t => t.GetProperty("plugin").GetString() == Summary);
        return $"{active.GetProperty("model").GetProperty("id").GetString()} {classes} summary={summary}";
    }

    // The state that made a result, from its provenance alone.
    private static string StateOfResult(JsonElement result)
    {
        var provenance = result.GetProperty("provenance");
        var tasks = provenance.GetProperty("tasks").EnumerateArray().ToList();
        var classSet = tasks.Single(t => t.GetProperty("plugin").GetString() == Tagging).GetProperty("classSet");
        var classes = $"{classSet.GetProperty("kind").GetString()}:{classSet.GetProperty("id").GetString()}";
        var summary = tasks.Any(t => t.GetProperty("plugin").GetString() == Summary);
        if (summary)
        {
            Assert.Equal("ok", result.GetProperty("tasks").GetProperty(Summary).GetProperty("status").GetString());
        }

        return $"{provenance.GetProperty("model").GetProperty("id").GetString()} {classes} summary={summary}";
    }

    private static List<JsonElement> Events(MqttProbe probe, string kind) =>
        probe.On("/plugins/events").Select(e => e.Payload).Where(e => e.GetProperty("event").GetString() == kind).ToList();

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (EdgeRuntime.Cli.EdgertApp.Run(args, output, error), output.ToString(), error.ToString());
    }
}

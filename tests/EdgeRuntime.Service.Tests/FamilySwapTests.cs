using System.Text.Json;
using EdgeRuntime.Cli;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Service.Tests;

/// <summary>
/// A running service swapped between model families of different embedding widths while slides flow: the tiny
/// vision-language reference (32 wide, text tower) and the Virchow2 twin (vision-only, class token + patch mean,
/// 2 × 32 = 64 wide), there and back. Every slide is processed once on exactly one model, and its feature file has that
/// model's width; the retrieval index keeps one index per model, never mixed; text work is refused for the
/// vision-only model, at activation for a text task and on request for a text search, with the reason.
/// </summary>
public sealed class FamilySwapTests
{
    private const string Requests = "edgeruntime/box1/requests/tasks/retrieval-index";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);
    private static readonly Dictionary<string, int> Width = new() { [ReferenceModels.Tiny] = 32, ["virchow2"] = 64 };

    [Fact]
    public async Task Swapped_to_a_vision_only_family_of_twice_the_width_and_back_while_slides_flow_nothing_is_lost_or_mixed()
    {
        using var temp = new TempDirectory();
        var root = temp.File("plugins");
        PluginRoots.InstallTinyModel(root, ReferenceModels.Version);
        PluginRoots.CopyDirectory(FamilyTwins.Package("virchow2"), Path.Combine(root, "models", "virchow2", "1.0.0"));
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, pluginsRoot: root, tasks: "zero-shot-tagging/1.0.0,features/1.0.0,retrieval-index/1.0.0");
        Assert.Equal(0, Edgert("plugins", "activate", "models", ReferenceModels.Tiny, ReferenceModels.Version, "--config", workspace.ConfigPath).Code);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        using var service = workspace.Start();
        await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + service.Output);
        await using var lis = await MqttAdminClient.ConnectAsync(broker.Port, null, null, "edgeruntime/box1/requests/replies/lis/lis-1");

        var slides = Enumerable.Range(0, 18).Select(Slides.Many).ToList();
        try
        {
            foreach (var slide in slides.Take(6))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= 2, Patience, "2 results on the vision-language model\n" + service.Output);

            // A text task runs: the vision-only model is refused at activation, with the reason, and the tiny model
            // keeps serving.
            var refused = Edgert("plugins", "activate", "models", "virchow2", "1.0.0", "--config", workspace.ConfigPath);
            Assert.Equal(1, refused.Code);
            Assert.Contains("task 'zero-shot-tagging' scores against the prompt set's text embeddings, and model virchow2 1.0.0 is vision-only (no text tower)", refused.Error);
            Assert.Matches($@"(?m)^\* models +{ReferenceModels.Tiny} +{ReferenceModels.Version}", Edgert("plugins", "list", "--config", workspace.ConfigPath).Out);

            // Without the text task it is accepted while slides are in flight; slides dropped after it run on it.
            Assert.Equal(0, Edgert("plugins", "deactivate", "tasks", "zero-shot-tagging", "--config", workspace.ConfigPath).Code);
            var swapped = Edgert("plugins", "activate", "models", "virchow2", "1.0.0", "--config", workspace.ConfigPath);
            Assert.True(swapped.Code == 0, swapped.Error);
            foreach (var slide in slides.Skip(6).Take(6))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => ModelsOf(p).Count(m => m == "virchow2") >= 3, Patience, "3 results on virchow2\n" + service.Output);

            // Search by text needs a text tower: refused with the reason while the vision-only model is active.
            var text = await lis.RequestAsync($"{Requests}/search", new { text = "tumour" }, "c-text", Patience);
            Assert.False(text.GetProperty("ok").GetBoolean(), text.ToString());
            // (a refusal of the request, not a failure of the plugin that the log reports as an error)
            Assert.StartsWith("Model virchow2 1.0.0 is vision-only (model.json kind 'vision-only'): it has no text tower", text.GetProperty("reason").GetString(), StringComparison.Ordinal);

            // And back, with the text task, while virchow2's slides are still in flight.
            Assert.Equal(0, Edgert("plugins", "activate", "models", ReferenceModels.Tiny, ReferenceModels.Version, "--config", workspace.ConfigPath).Code);
            Assert.Equal(0, Edgert("plugins", "activate", "tasks", "zero-shot-tagging", "1.0.0", "--config", workspace.ConfigPath).Code);
            foreach (var slide in slides.Skip(12))
            {
                workspace.Drop(slide.Path);
            }

            await probe.WaitForAsync(p => p.On("/result").Count >= slides.Count, Patience, "every result\n" + service.Output);

            var results = probe.On("/result").Select(r => r.Payload).ToList();
            Assert.Equal(slides.Count, results.Count);
            Assert.Equal(slides.Count, results.Select(r => r.GetProperty("slideId").GetString()).Distinct().Count());
            var byFile = results.ToDictionary(r => r.GetProperty("file").GetProperty("name").GetString()!, r => r);
            Assert.All(slides.Skip(12), s => Assert.Equal(ReferenceModels.Tiny, ModelOf(byFile[Path.GetFileName(s.Path)])));

            // In the order slides started, the model switches twice and only twice: tiny, virchow2, tiny. A slide
            // dropped before a swap but not yet started runs on the model that is active when it starts.
            var modelOf = results.ToDictionary(r => r.GetProperty("slideId").GetString()!, ModelOf);
            var started = probe.On("/state").Where(s => s.Payload.GetProperty("state").GetString() == "processing").Select(s => modelOf[s.Payload.GetProperty("slideId").GetString()!]).ToList();
            Assert.Equal(slides.Count, started.Count);
            var runs = started.Zip(started.Skip(1)).Count(pair => pair.First != pair.Second);
            Assert.True(runs == 2 && started[0] == ReferenceModels.Tiny && started.Contains("virchow2"), string.Join(", ", started));
            var onVirchow = started.Count(m => m == "virchow2");

            // Each slide's feature file, read back by h5py: written by the model its provenance names, at that width.
            var ids = results.Select(r => r.GetProperty("slideId").GetString()!).ToList();
            var recorded = ExternalTool.Python(
                "import sys, h5py\nfor p in sys.argv[1:]:\n    f = h5py.File(p, 'r')\n    print(f.attrs['model_id'], f['features'].shape[1], f['features'].shape[0])",
                [.. ids.Select(id => Path.Combine(workspace.Results, id, "features.h5"))]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < ids.Count; i++)
            {
                var claimed = ModelOf(results[i]);
                var fields = recorded[i].Trim().Split(' ');
                Assert.Equal(claimed, fields[0]);
                Assert.Equal(Width[claimed], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
                Assert.True(int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) > 0, recorded[i]);
                if (claimed == "virchow2")
                {
                    Assert.False(results[i].GetProperty("tasks").TryGetProperty("zero-shot-tagging", out _), results[i].ToString());
                }
            }

            // One retrieval index per model, each of its own width; a region is searched in the index of the model
            // that embedded it, and a vector of one model's width is refused against the other's index.
            var stats = await lis.RequestAsync($"{Requests}/stats", null, "c-stats", Patience);
            var indexed = stats.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m);
            Assert.Equal([ReferenceModels.Tiny, "virchow2"], indexed.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(32, indexed[ReferenceModels.Tiny].GetProperty("dimension").GetInt32());
            Assert.Equal(64, indexed["virchow2"].GetProperty("dimension").GetInt32());
            Assert.Equal(onVirchow, indexed["virchow2"].GetProperty("slides").GetInt32());
            Assert.Equal(slides.Count - onVirchow, indexed[ReferenceModels.Tiny].GetProperty("slides").GetInt32());

            var virchowSlide = results.First(r => ModelOf(r) == "virchow2").GetProperty("slideId").GetString()!;
            // The whole slide as the region (2048 × 1536): its own tiles are left out, and the hits are other slides' tiles
            // embedded by virchow2.
            var region = await lis.RequestAsync($"{Requests}/search", new { slide = virchowSlide, box = new[] { 0, 0, 2048, 1536 }, model = new { id = "virchow2", version = "1.0.0" }, top = 3, exact = true }, "c-region", Patience);
            Assert.True(region.GetProperty("ok").GetBoolean(), region.ToString());
            Assert.True(region.GetProperty("leftOut").GetProperty("tiles").GetInt32() > 0, region.ToString());
            Assert.True(region.GetProperty("hits").GetArrayLength() > 0, region.ToString());
            Assert.All(region.GetProperty("hits").EnumerateArray(), h => Assert.Contains(ModelOfSlide(results, h.GetProperty("slideId").GetString()!), new[] { "virchow2" }));
            var narrow = await lis.RequestAsync($"{Requests}/search", new { vector = Enumerable.Repeat(1f, 32).ToArray(), model = new { id = "virchow2", version = "1.0.0" } }, "c-narrow", Patience);
            Assert.False(narrow.GetProperty("ok").GetBoolean(), narrow.ToString());
            Assert.Contains("the query has 32 values; model virchow2 1.0.0 embeds 64", narrow.GetProperty("reason").GetString());

            // Back on the vision-language model, text search works again, over its own index only.
            var back = await lis.RequestAsync($"{Requests}/search", new { text = "tumour", top = 50, exact = true }, "c-back", Patience);
            Assert.True(back.GetProperty("ok").GetBoolean(), back.ToString());
            Assert.Equal(ReferenceModels.Tiny, back.GetProperty("model").GetProperty("id").GetString());
            Assert.All(back.GetProperty("hits").EnumerateArray(), h => Assert.Equal(ReferenceModels.Tiny, ModelOfSlide(results, h.GetProperty("slideId").GetString()!)));
            Assert.Equal(0, service.Stop(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    private static string ModelOf(JsonElement result) => result.GetProperty("provenance").GetProperty("model").GetProperty("id").GetString()!;

    private static string ModelOfSlide(List<JsonElement> results, string slideId) => ModelOf(results.Single(r => r.GetProperty("slideId").GetString() == slideId));

    private static List<string> ModelsOf(MqttProbe probe) => probe.On("/result").Select(r => ModelOf(r.Payload)).ToList();

    private static (int Code, string Out, string Error) Edgert(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (EdgertApp.Run(args, output, error), output.ToString(), error.ToString());
    }
}

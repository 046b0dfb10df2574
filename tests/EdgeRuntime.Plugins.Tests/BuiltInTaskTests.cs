using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using static EdgeRuntime.Plugins.Tests.ReferenceArithmetic;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// The built-in tasks, loaded as plugins from where edgert ships them, against an independent reference: text
/// embeddings from PyTorch (tools/make-reference-models.py), tile embeddings from the run's own features.h5 read by
/// h5py, and the zero-shot arithmetic (CLIP logits, softmax, MI-Zero top-K mean pooling) written out here.
/// </summary>
public sealed class BuiltInTaskTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Zero_shot_tagging_and_features_agree_with_a_pytorch_reference_computed_from_the_written_features()
    {
        // Two classes, one template, one synonym each: the class embeddings are just the two prompts' embeddings.
        var prompts = temp.File("two-classes.json");
        File.WriteAllText(prompts, JsonSerializer.Serialize(new
        {
            schemaVersion = 1,
            id = "two-classes",
            name = "two classes for the reference test",
            version = "1.0.0",
            families = new[] { "clip" },
            templates = new[] { "{}." },
            classes = new[] { new { name = "tumor", code = "TUM", synonyms = new[] { "tumor" } }, new { name = "stroma", code = "STR", synonyms = new[] { "stroma" } } },
        }));
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { ActiveFile = temp.File("state/active.json"), Tasks = "zero-shot-tagging/1.0.0, features/1.0.0" },
                Processing = new { PromptSet = prompts, TaskSettings = new Dictionary<string, object> { ["zero-shot-tagging"] = new { TopK = "5" } } },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));
        var tiny = ReferenceModels.Package(ReferenceModels.Tiny);
        var (code, stdout, stderr) = Edgert.Run("process", TestData.Slide("CMU-1-Small-Region.svs"), "-m", tiny, "--out", temp.File("results"), "--config", config);
        Assert.True(code == 0, stderr);
        var result = JsonNode.Parse(stdout)!;
        var folder = Path.Combine(temp.File("results"), result["slideId"]!.GetValue<string>());

        // The run's tile embeddings, in grid order, as h5py reads them.
        var dump = temp.File("features.f32");
        var shape = ExternalTool.Python(
            "import sys, h5py, numpy as np; f = h5py.File(sys.argv[1], 'r'); x = np.asarray(f['features'], dtype='<f4'); x.tofile(sys.argv[2]); print(x.shape[0], x.shape[1])",
            Path.Combine(folder, "features.h5"), dump).Trim().Split(' ').Select(int.Parse).ToArray();
        var n = result["tiles"]!["kept"]!.GetValue<int>();
        Assert.Equal([n, 32], shape);
        var bytes = File.ReadAllBytes(dump);
        var features = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, features, 0, bytes.Length);

        // PyTorch's text embeddings of the two prompts.
        var reference = JsonNode.Parse(File.ReadAllText(ReferenceModels.Reference(ReferenceModels.Tiny, temp.Path, [TestData.Image("ihc.png")], ["tumor.", "stroma."])))!;
        var text = reference["prompts"]!.AsArray().Select(p => Unit(p!["embedding"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray())).ToArray();
        var scale = JsonNode.Parse(File.ReadAllText(Path.Combine(tiny, "model.json")))!["logitScale"]!.GetValue<double>();

        // CLIP zero-shot per tile, then MI-Zero: a class's slide logit is the mean of its 5 highest tile logits.
        var logits = new double[n][];
        for (var t = 0; t < n; t++)
        {
            var image = Unit(features.Skip(t * 32).Take(32).Select(v => (double)v).ToArray());
            logits[t] = text.Select(c => scale * c.Zip(image, (a, b) => a * b).Sum()).ToArray();
        }

        var pooled = Enumerable.Range(0, 2).Select(c => logits.Select(l => l[c]).OrderDescending().Take(5).Average()).ToArray();
        var slide = Softmax(pooled);
        var fractions = Enumerable.Range(0, 2).Select(c => logits.Count(l => Array.IndexOf(l, l.Max()) == c) / (double)n).ToArray();

        var output = result["tasks"]!["zero-shot-tagging"]!["output"]!;
        Assert.Equal("ok", result["tasks"]!["zero-shot-tagging"]!["status"]!.GetValue<string>());
        Assert.Equal(5, output["topK"]!.GetValue<int>());
        foreach (var tag in output["tags"]!.AsArray())
        {
            var c = tag!["class"]!.GetValue<string>() == "tumor" ? 0 : 1;
            Assert.Equal(slide[c], tag["score"]!.GetValue<double>(), 3);
            Assert.Equal(fractions[c], tag["tileFraction"]!.GetValue<double>(), 6);
        }

        // Every tile's probabilities in tiles.csv.gz.
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, "tiles.csv.gz")), CompressionMode.Decompress));
        Assert.Equal("index,column,row,x,y,width,height,tissue,class,p_tumor,p_stroma", reader.ReadLine());
        var rows = 0;
        while (reader.ReadLine() is { } line)
        {
            var cells = line.Split(',');
            var probabilities = Softmax(logits[int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(probabilities[0], double.Parse(cells[9], System.Globalization.CultureInfo.InvariantCulture), 3);
            Assert.Equal(probabilities[1], double.Parse(cells[10], System.Globalization.CultureInfo.InvariantCulture), 3);
            rows++;
        }

        Assert.Equal(n, rows);
        Assert.Equal("zero-shot-tagging", result["overlay"]!["task"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(folder, "overlay.png")));
        Assert.Equal(n, result["tasks"]!["features"]!["output"]!["tiles"]!.GetValue<int>());
        Assert.Equal(["zero-shot-tagging", "features"], result["provenance"]!["tasks"]!.AsArray().Select(t => t!["plugin"]!.GetValue<string>()));
    }

    [Fact]
    public void A_bad_task_setting_fails_that_task_with_the_key_and_the_slide_still_completes()
    {
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { ActiveFile = temp.File("state/active.json"), Tasks = "zero-shot-tagging/1.0.0, features/1.0.0" },
                Processing = new { TaskSettings = new Dictionary<string, object> { ["zero-shot-tagging"] = new { TopK = "many" } } },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));
        var (code, stdout, stderr) = Edgert.Run("process", TestData.Image("ihc.png"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "--out", temp.File("results"), "--config", config);
        Assert.True(code == 0, stderr);
        var tasks = JsonNode.Parse(stdout)!["tasks"]!;
        Assert.Equal("failed", tasks["zero-shot-tagging"]!["status"]!.GetValue<string>());
        Assert.Contains("EdgeRuntime:Processing:TaskSettings:zero-shot-tagging:TopK", tasks["zero-shot-tagging"]!["error"]!.GetValue<string>());
        Assert.Equal("ok", tasks["features"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void A_task_may_work_with_its_own_prompt_set_while_the_profile_keeps_the_default()
    {
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { ActiveFile = temp.File("state/active.json") },
                Processing = new
                {
                    PromptSet = Path.Combine(TestData.RepoRoot, "plugins", "prompts", "crc100k", "1.0.0", "prompts.json"),
                    TaskPromptSets = new Dictionary<string, string> { ["zero-shot-tagging"] = Path.Combine(TestData.RepoRoot, "plugins", "prompts", "wsss4luad", "1.0.0", "prompts.json") },
                },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
            },
        }));
        var (code, stdout, stderr) = Edgert.Run("process", TestData.Image("ihc.png"), "-m", ReferenceModels.Package(ReferenceModels.Tiny), "--out", temp.File("results"), "--config", config);
        Assert.True(code == 0, stderr);
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal("crc100k", result["provenance"]!["prompts"]!["id"]!.GetValue<string>());
        var output = result["tasks"]!["zero-shot-tagging"]!["output"]!;
        Assert.Equal("wsss4luad", output["prompts"]!["id"]!.GetValue<string>());
        Assert.Equal(["normal", "stroma", "tumor"], output["tags"]!.AsArray().Select(t => t!["class"]!.GetValue<string>()).Order());
    }
}

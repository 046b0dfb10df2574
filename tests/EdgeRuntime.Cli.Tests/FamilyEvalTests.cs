using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Every family's twin (seeded random weights in the family's architecture, imported from a checkpoint in its layout)
/// through edgert process, embed and eval on the texture test set's held-out crops: zero-shot for the vision-language
/// families (refused, with the reason, for the vision-only ones), few-shot and the linear probe for all, and for the
/// vision-only ones tagging served by a prototype set they built. Random weights: the figures mean nothing, so the
/// tests check that every path runs on the family's own width and says what it ran, not how well.
/// </summary>
public sealed class FamilyEvalTests(FamilyEvalTests.Crops crops) : IClassFixture<FamilyEvalTests.Crops>, IDisposable
{
    private const int PerClass = 4;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Families()
    {
        var data = new TheoryData<string>();
        foreach (var family in VisionLanguageTwins.VisionLanguage.Concat(FamilyTwins.VisionOnly))
        {
            data.Add(family);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void The_twin_runs_through_process_embed_and_eval(string family)
    {
        var visionLanguage = VisionLanguageTwins.VisionLanguage.Contains(family);
        var package = visionLanguage ? VisionLanguageTwins.Package(family) : FamilyTwins.Package(family);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "model.json")));
        var id = manifest.RootElement.GetProperty("id").GetString()!;
        var width = manifest.RootElement.GetProperty("embeddingSize").GetInt32();
        var cache = temp.File("eval-cache");
        var image = Directory.GetFiles(Path.Combine(crops.Folder, "grass"), "*.png").Order(StringComparer.Ordinal).First();

        // embed: one row of the model's width, recorded as made by it.
        var h5 = temp.File("features.h5");
        var (code, _, error) = Edgert.Run("embed", image, "-o", h5, "--config", Config(package, "features/1.0.0"));
        Assert.True(code == 0, error);
        Assert.Equal($"1 {width} {id}", ExternalTool.Python("import sys, h5py; f = h5py.File(sys.argv[1], 'r'); print(*f['features'].shape, f.attrs['model_id'])", h5).Trim());

        // eval: few-shot and the linear probe for every family, on the model's own embeddings.
        var fewShot = Eval(package, "few-shot", "fs", "--shots", "1,2", "--repeats", "2", "--cache", cache);
        Assert.Equal(2, fewShot["runs"]!.AsArray().Count);
        Assert.All(fewShot["runs"]!.AsArray(), r => Assert.Equal(id, r!["provenance"]!["model"]!["id"]!.GetValue<string>()));
        Assert.All(fewShot["runs"]!.AsArray(), r => Assert.InRange(r!["metrics"]!["balancedAccuracy"]!["mean"]!.GetValue<double>(), 0, 1));
        var probe = Eval(package, "linear-probe", "lp", "--cache", cache);
        var probed = probe["runs"]![0]!;
        Assert.Equal(id, probed["provenance"]!["model"]!["id"]!.GetValue<string>());
        Assert.Equal(PerClass * TestModel.Classes.Count / 2, probed["perSample"]!.AsArray().Count); // half of each class is the test split
        Assert.All(probed["perSample"]!.AsArray(), r => Assert.Equal(1.0, TestModel.Classes.Sum(c => r!["scores"]![c]!.GetValue<double>()), 6));

        if (visionLanguage)
        {
            // zero-shot: every crop scored against the prompt set's classes, embedded by the family's text tower.
            var zeroShot = Eval(package, "zero-shot", "zs", "--cache", cache);
            var run = zeroShot["runs"]![0]!;
            Assert.Equal(id, run["provenance"]!["model"]!["id"]!.GetValue<string>());
            Assert.Equal(("prompts", "textures"), (run["provenance"]!["classSet"]!["kind"]!.GetValue<string>(), run["provenance"]!["classSet"]!["id"]!.GetValue<string>()));
            Assert.Equal(PerClass * TestModel.Classes.Count, run["perSample"]!.AsArray().Count);
            Assert.All(run["perSample"]!.AsArray(), r => Assert.Equal(1.0, TestModel.Classes.Sum(c => r!["scores"]![c]!.GetValue<double>()), 6));

            // process: the tagging task with the family's text tower, and the features task at the model's width.
            var document = Process(package, "zero-shot-tagging/1.0.0,features/1.0.0", null, image);
            Assert.Equal(id, document["provenance"]!["model"]!["id"]!.GetValue<string>());
            Assert.Equal(TestModel.Classes.Order(StringComparer.Ordinal), document["tasks"]!["zero-shot-tagging"]!["output"]!["tags"]!.AsArray().Select(t => t!["class"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            return;
        }

        // The embedding edgert wrote is PyTorch's on the same weights and file, with the card's transform applied once
        // (Prov-GigaPath's 256 → crop 224 included).
        var reference = JsonNode.Parse(File.ReadAllText(FamilyTwins.Reference(family, temp.Path, [image])))!["images"]![0]!["embedding"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var cosine = double.Parse(ExternalTool.Python("import sys, json, h5py, numpy as np; a = np.asarray(h5py.File(sys.argv[1], 'r')['features'])[0].astype('float64'); b = np.asarray(json.loads(sys.argv[2])); print(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))", h5, JsonSerializer.Serialize(reference)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(cosine >= 0.9999, $"{family}: edgert embed's cosine with PyTorch {cosine:F7}");

        // zero-shot needs a text tower: refused before any image is embedded, with the reason and what to do instead.
        var (refusedCode, _, refusal) = Edgert.Run("eval", "zero-shot", crops.Folder, "-m", package, "-o", temp.File("zs"), "--config", Config(package, "features/1.0.0"));
        Assert.Equal(1, refusedCode);
        Assert.Contains($"Model {id} 1.0.0 is vision-only (model.json kind 'vision-only'): it has no text tower", refusal, StringComparison.Ordinal);
        Assert.Contains("Evaluate it with few-shot or linear-probe, or give the zero-shot-tagging task a prototype set", refusal, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("zs/report.json")));

        // Few-shot prototypes built with the vision-only model serve the tagging task in process, at its width.
        (code, _, error) = Edgert.Run("prototypes", "build", crops.Folder, "-o", temp.File("protos"), "--id", "textures-2shot", "--shots", "2", "--config", Config(package, "features/1.0.0"));
        Assert.True(code == 0, error);
        var set = JsonNode.Parse(File.ReadAllText(temp.File("protos/prototypes.json")))!;
        Assert.Equal(id, set["modelId"]!.GetValue<string>());
        Assert.All(set["classes"]!.AsArray(), c => Assert.Equal(width, c!["embedding"]!.AsArray().Count));
        var tagged = Process(package, "zero-shot-tagging/1.0.0,features/1.0.0", temp.File("protos/prototypes.json"), image);
        var tagging = tagged["provenance"]!["tasks"]!.AsArray().Single(t => t!["plugin"]!.GetValue<string>() == "zero-shot-tagging")!;
        Assert.Equal(("prototypes", "textures-2shot"), (tagging["classSet"]!["kind"]!.GetValue<string>(), tagging["classSet"]!["id"]!.GetValue<string>()));
        Assert.Equal(TestModel.Classes.Count, tagged["tasks"]!["zero-shot-tagging"]!["output"]!["tags"]!.AsArray().Count);
    }

    private JsonNode Process(string package, string tasks, string? prototypes, string image)
    {
        var processing = prototypes is null ? null : new Dictionary<string, string> { ["zero-shot-tagging"] = prototypes };
        var (code, output, error) = Edgert.Run("process", image, "--out", temp.File("results"), "--config", Config(package, tasks, processing));
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!;
    }

    private JsonNode Eval(string package, string method, string output, params string[] args)
    {
        var (code, stdout, error) = Edgert.Run(["eval", method, crops.Folder, "-m", package, "-o", temp.File(output), "--config", Config(package, "features/1.0.0"), .. args]);
        Assert.True(code == 0, error);
        Assert.StartsWith($"# edgert eval {method}", stdout, StringComparison.Ordinal);
        return JsonNode.Parse(File.ReadAllText(temp.File(output + "/report.json")))!;
    }

    // The texture test set's prompts and the twin as the default model; tissue detection off (a crop is all tissue).
    private string Config(string package, string tasks, Dictionary<string, string>? prototypes = null)
    {
        var path = temp.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                ZeroShot = new { TextEmbeddingCache = temp.File("cache"), DefaultPromptSet = TestModel.PromptSet },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                Models = new { DefaultPackage = package },
                Tissue = new { Detector = "none" },
                Plugins = new { Tasks = tasks, ActiveFile = temp.File("active.json") },
                Processing = new { TaskPrototypeSets = prototypes ?? [] },
            },
        }));
        return path;
    }

    /// <summary>The held-out crops, cut once for every family.</summary>
    public sealed class Crops : IDisposable
    {
        private readonly TempDirectory temp = new();

        public Crops() => Folder = TestModel.HeldOut(temp.File("crops"), PerClass);

        public string Folder { get; }

        public void Dispose() => temp.Dispose();
    }
}

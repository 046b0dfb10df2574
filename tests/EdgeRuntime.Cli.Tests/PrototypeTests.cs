using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>`edgert prototypes build` from a folder of class folders, its prototypes checked by hand, and used in tagging and segmentation.</summary>
public sealed class PrototypeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Five_shot_prototypes_are_the_normalised_means_and_tag_and_segment_like_a_prompt_set()
    {
        var examples = TestModel.HeldOut(temp.File("examples"), 5);
        var config = temp.File("config.json");
        void Write(object processing) => TestModelConfig.Write(temp, "config.json", "zero-shot-tagging/1.0.0, zero-shot-segmentation/1.0.0", processing);
        Write(new { ResultsDirectory = temp.File("results") });
        var (code, _, error) = Edgert.Run("prototypes", "build", examples, "-o", temp.File("protos"), "--id", "textures-5shot", "--shots", "5", "--config", config);
        Assert.True(code == 0, error);
        var set = JsonNode.Parse(File.ReadAllText(temp.File("protos/prototypes.json")))!;
        Assert.Equal(TestModel.Id, set["modelId"]!.GetValue<string>());
        Assert.Equal(TestModel.Classes, set["classes"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));

        // By hand: the features task's embeddings of gravel's five examples (read by h5py), each made unit length,
        // averaged and made unit length again, are the stored prototype.
        var files = Directory.GetFiles(Path.Combine(examples, "gravel"), "*.png").Order(StringComparer.Ordinal).ToList();
        var h5 = new List<string>();
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            var target = temp.File($"features/{i}.h5");
            (code, _, error) = Edgert.Run("embed", file, "-o", target, "--config", config);
            Assert.True(code == 0, error);
            h5.Add(target);
        }

        var stored = set["classes"]![2]!["embedding"]!.ToJsonString();
        var difference = ExternalTool.Python(
            "import sys, json, h5py, numpy as np\n"
            + "v = [np.asarray(h5py.File(p, 'r')['features'])[0] for p in sys.argv[2:]]\n"
            + "m = np.mean([x / np.linalg.norm(x) for x in v], axis=0); m /= np.linalg.norm(m)\n"
            + "print(float(np.max(np.abs(m - np.asarray(json.loads(sys.argv[1]))))))",
            [stored, .. h5]).Trim();
        Assert.True(double.Parse(difference, CultureInfo.InvariantCulture) < 1e-5, $"largest difference {difference}");

        // In place of the prompt set: held-out crops tagged right, and a slide of two textures segmented.
        Write(new
        {
            ResultsDirectory = temp.File("results"),
            TaskPrototypeSets = new Dictionary<string, string> { ["zero-shot-tagging"] = temp.File("protos/prototypes.json"), ["zero-shot-segmentation"] = temp.File("protos/prototypes.json") },
        });
        var crops = TestModel.HeldOut(temp.File("crops"), 8);
        var right = 0;
        foreach (var name in TestModel.Classes)
        {
            foreach (var crop in Directory.GetFiles(Path.Combine(crops, name), "*.png").Skip(5))
            {
                (code, var output, error) = Edgert.Run("tag", crop, "--json", "--top", "1", "--config", config);
                Assert.True(code == 0, error);
                var tagged = JsonNode.Parse(output)!;
                Assert.Equal("prototypes", tagged["prompts"]!["kind"]!.GetValue<string>());
                right += tagged["tags"]![0]!["class"]!.GetValue<string>() == name ? 1 : 0;
            }
        }

        // 12 crops the prototypes were not made from (3 per class); chance is 3 of 12.
        Assert.True(right >= 10, $"{right} of 12 held-out crops tagged right with prototypes");

        using var slide = new TextureSlide(8 * 224, 4 * 224, [("grass", 0, 0, 4 * 224, 4 * 224), ("ihc", 4 * 224, 0, 8 * 224, 4 * 224)]);
        (code, var processed, error) = Edgert.Run("process", slide.Path, "--config", config);
        Assert.True(code == 0, error);
        var document = JsonNode.Parse(processed)!;
        var segmentation = document["tasks"]!["zero-shot-segmentation"]!["output"]!;
        // Provenance names each task's class set; the overlay is drawn from the segmentation's cell map, which is
        // preferred to tagging's tiles though tagging comes first.
        Assert.All(document["provenance"]!["tasks"]!.AsArray(), t => Assert.Equal(("prototypes", "textures-5shot"), (t!["classSet"]!["kind"]!.GetValue<string>(), t["classSet"]!["id"]!.GetValue<string>())));
        Assert.Equal("zero-shot-segmentation", document["overlay"]!["task"]!.GetValue<string>());
        Assert.Equal("textures-5shot", segmentation["classSet"]!["id"]!.GetValue<string>());
        var cells = segmentation["classes"]!.AsArray().ToDictionary(c => c!["class"]!.GetValue<string>(), c => c!["cells"]!.GetValue<int>());
        Assert.True(cells["grass"] >= 14 && cells["ihc"] >= 14, JsonSerializer.Serialize(cells));
    }
}

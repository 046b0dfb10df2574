using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>The texture test model has a real signal: zero-shot tags of crops it never saw are right.</summary>
public sealed class TestModelTests(ITestOutputHelper log) : IDisposable
{
    private const int PerClass = 10;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Zero_shot_balanced_accuracy_on_held_out_crops_through_edgert_tag_is_far_above_chance()
    {
        var heldOut = TestModel.HeldOut(temp.File("held-out"), PerClass);
        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { EdgeRuntime = new { ZeroShot = new { TextEmbeddingCache = temp.File("cache") }, Inference = new { ExecutionProviders = new[] { "CPU" } } } }));
        var classes = TestModel.Classes;
        var confusion = new int[classes.Count, classes.Count];
        for (var truth = 0; truth < classes.Count; truth++)
        {
            foreach (var crop in Directory.GetFiles(Path.Combine(heldOut, classes[truth]), "*.png").Order(StringComparer.Ordinal))
            {
                var (code, output, error) = Edgert.Run("tag", crop, "--model", TestModel.Package, "--prompts", TestModel.PromptSet, "--json", "--top", "1", "--config", config);
                Assert.True(code == 0, error);
                var top = JsonNode.Parse(output)!["tags"]![0]!["class"]!.GetValue<string>();
                confusion[truth, classes.ToList().IndexOf(top)]++;
            }
        }

        // Balanced accuracy (scikit-learn's definition): the mean over classes of the share of that class's crops tagged as it.
        var recalls = Enumerable.Range(0, classes.Count).Select(c => (double)confusion[c, c] / PerClass).ToArray();
        var balanced = recalls.Average();
        log.WriteLine($"held-out crops: {PerClass} per class; per-class recall {string.Join(", ", classes.Select((c, i) => $"{c} {recalls[i]:0.00}"))}; balanced accuracy {balanced:0.000}");

        // Chance is 0.25 (four classes). A guesser gets 0.8 or more with probability (binomial, 40 crops,
        // p = 0.25: at least 32 right: below 1e-11), so the bound shows a real signal; it still allows 2 misses per class for the
        // difference between training-time preprocessing and the runtime's tiling and resizing.
        Assert.True(balanced >= 0.8, $"balanced accuracy {balanced:0.000} on held-out crops");
        Assert.All(recalls, r => Assert.True(r >= 0.5, $"a class's recall is {r:0.00}"));
    }
}

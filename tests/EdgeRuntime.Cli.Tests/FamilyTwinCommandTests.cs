using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

// Each vision-language family's twin (imported from a synthetic checkpoint in the family's layout) through edgert:
// the package checks with its tokenizer kind, and zero-shot tagging runs end to end with its text tower.
public sealed class FamilyTwinCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, string> Families() => new()
    {
        { "plip", "clip-bpe, context 77, pad id 49407" },
        { "quiltnet", "clip-bpe, context 77, pad id 0" },
        { "quiltnet-pmb", "wordpiece, context 256, pad id 0" },
        { "conch", "bpe-json, context 128, pad id 0" },
        { "kep", "wordpiece, context 256, pad id 0" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void The_twin_checks_and_tags_an_image_zero_shot(string family, string tokenizer)
    {
        var package = VisionLanguageTwins.Package(family);
        var (checkCode, summary, checkError) = Edgert.Run("models", "check", package);
        Assert.True(checkCode == 0, checkError);
        Assert.Contains(tokenizer, summary, StringComparison.Ordinal);

        var config = temp.File("config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { EdgeRuntime = new { ZeroShot = new { TextEmbeddingCache = temp.File("cache") }, Inference = new { ExecutionProviders = new[] { "CPU" } } } }));
        var (code, output, error) = Edgert.Run("tag", TestData.Image("ihc.png"), "-m", package, "--json", "--top", "9", "--config", config);
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var tags = json.RootElement.GetProperty("tags").EnumerateArray().ToArray();
        Assert.Equal(9, tags.Length); // CRC-100K's nine classes, each prompt embedded by the family's text tower
        Assert.Equal(1.0, tags.Sum(t => t.GetProperty("probability").GetDouble()), 6);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Edgert_models_import_makes_a_format_2_package_from_the_twin_checkpoint(string family, string tokenizer)
    {
        VisionLanguageTwins.Package(family); // writes the synthetic checkpoint in the family's layout
        var root = temp.File("plugins");
        var (code, output, error) = Edgert.Run("models", "import", "--family", family, VisionLanguageTwins.Checkpoint(family), "-o", root);
        Assert.True(code == 0, error + output);
        Assert.Contains("vision-language: serves", output, StringComparison.Ordinal);

        var package = Path.Combine(root, "models", family, "1.0.0");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "model.json")));
        Assert.Equal(2, manifest.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("vision-language", manifest.RootElement.GetProperty("kind").GetString());
        Assert.True(manifest.RootElement.GetProperty("terms").GetProperty("text").GetString()!.Length > 0);
        var (checkCode, summary, checkError) = Edgert.Run("models", "check", package);
        Assert.True(checkCode == 0, checkError);
        Assert.Contains(tokenizer, summary, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

// `edgert models import` on synthetic checkpoints in each family's published layout (tools/families/), through the
// tools shipped beside edgert, then the package as the runtime and `plugins list` see it.
public sealed class ModelImportTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // With a plugins root of the test's own, or (null) the one beside edgert with the built-in tasks.
    private string Config(string? root)
    {
        var config = temp.File("site.json");
        var zeroShot = new { TextEmbeddingCache = temp.File("cache") };
        var inference = new { ExecutionProviders = new[] { "CPU" } };
        if (root is null)
        {
            File.WriteAllText(config, JsonSerializer.Serialize(new { EdgeRuntime = new { ZeroShot = zeroShot, Inference = inference } }));
            return config;
        }

        Directory.CreateDirectory(root);
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { Root = root, ActiveFile = temp.File("state/active-plugins.json") },
                ZeroShot = zeroShot,
                Inference = inference,
            },
        }));
        return config;
    }

    [Theory]
    [InlineData("virchow2", 64, "class-plus-mean-patch", "model.safetensors")]
    [InlineData("prov-gigapath", 48, "class-token", "pytorch_model.bin")]
    public void A_twin_checkpoint_imports_checks_and_lists_with_its_terms(string family, int width, string compose, string weights)
    {
        var checkpoint = FamilyTwins.WriteCheckpoint(family, temp.File("checkpoint"));
        Assert.True(File.Exists(Path.Combine(checkpoint, weights)));
        var root = temp.File("plugins");
        var config = Config(root);

        var (code, output, error) = Edgert.Run("models", "import", "--family", family, checkpoint, "-o", root, "--config", config);
        Assert.True(code == 0, error);
        var package = Path.Combine(root, "models", family, "1.0.0");
        Assert.Contains($"Imported    {package}", output);

        (code, output, error) = Edgert.Run("models", "check", package, "--config", config);
        Assert.True(code == 0, error);
        Assert.Contains($"Embedding:   {width}, {compose}", output);
        Assert.Contains("Text:        none (vision-only)", output);

        (code, output, error) = Edgert.Run("plugins", "list", "--config", config);
        Assert.True(code == 0, error);
        var row = output.Split('\n').Single(l => l.Contains("models", StringComparison.Ordinal) && l.Contains(family, StringComparison.Ordinal));
        Assert.Contains("vision-only: serves features, few-shot prototypes, linear probe, image search, dense tokens; not zero-shot tagging, zero-shot segmentation, text search (no text tower)", row);
        Assert.Contains("gated, non-commercial", row);
    }

    [Fact]
    public void A_checkpoint_missing_a_key_is_refused_naming_it()
    {
        var checkpoint = Damaged("uni", "del s['blocks.1.ls2.gamma']");
        var (code, _, error) = Import("uni", checkpoint);
        Assert.Equal(1, code);
        Assert.Contains("refused", error);
        Assert.Contains("missing keys: blocks.1.ls2.gamma", error);
    }

    [Fact]
    public void A_checkpoint_with_a_wrong_shape_is_refused_naming_the_key_and_both_shapes()
    {
        var checkpoint = Damaged("uni", "s['norm.weight'] = torch.zeros(7)");
        var (code, _, error) = Import("uni", checkpoint);
        Assert.Equal(1, code);
        Assert.Contains("wrong shapes: norm.weight [7] (expected [32])", error);
    }

    [Fact]
    public void Another_familys_checkpoint_is_refused_by_its_config_and_without_it_by_its_keys()
    {
        var checkpoint = FamilyTwins.WriteCheckpoint("uni", temp.File("uni"));
        var (code, _, error) = Import("virchow2", checkpoint);
        Assert.Equal(1, code);
        Assert.Contains("architecture 'vit_large_patch16_224' is not virchow2's", error);

        // The weights file alone: the family's full-size layout is assumed, and the keys say it is not Virchow2.
        File.Delete(Path.Combine(checkpoint, "config.json"));
        (code, _, error) = Import("virchow2", Path.Combine(checkpoint, "pytorch_model.bin"));
        Assert.Equal(1, code);
        Assert.Contains("missing keys: reg_token", error);
    }

    [Fact]
    public void An_unknown_family_is_a_usage_error()
    {
        var (code, _, error) = Edgert.Run("models", "import", "--family", "resnet", temp.Path, "-o", temp.File("plugins"));
        Assert.Equal(2, code);
        Assert.Contains("--family 'resnet' is not one of", error);
    }

    [Fact]
    public void Process_with_a_vision_only_model_refuses_zero_shot_tagging_before_any_slide()
    {
        var config = Config(null);
        var (code, _, error) = Edgert.Run("process", TestData.Slide("CMU-1-Small-Region.svs"), "-m", FamilyTwins.Package("uni"), "--out", temp.File("results"), "--config", config);
        Assert.Equal(1, code);
        Assert.Contains("task 'zero-shot-tagging' scores against the prompt set's text embeddings, and model uni 1.0.0 is vision-only (no text tower)", error);
        Assert.False(Directory.Exists(temp.File("results")) && Directory.EnumerateFiles(temp.File("results"), "result.json", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void Embed_with_virchow2_writes_features_twice_the_token_width()
    {
        var target = temp.File("features.h5");
        var (code, _, error) = Edgert.Run("embed", TestData.Slide("CMU-1-Small-Region.svs"), "-m", FamilyTwins.Package("virchow2"), "-o", target, "--config", Config(null));
        Assert.True(code == 0, error);
        var shape = ExternalTool.Python("import sys, h5py; f = h5py.File(sys.argv[1], 'r'); print(f['features'].shape[1], f.attrs['model_id'])", target).Trim();
        Assert.Equal("64 virchow2", shape);
    }

    private (int Code, string Out, string Error) Import(string family, string checkpoint) =>
        Edgert.Run("models", "import", "--family", family, checkpoint, "-o", temp.File("plugins"), "--config", Config(temp.File("plugins")));

    private string Damaged(string family, string edit)
    {
        var checkpoint = FamilyTwins.WriteCheckpoint(family, temp.File("damaged"));
        ExternalTool.Python($"import sys, torch; p = sys.argv[1]; s = torch.load(p); {edit}; torch.save(s, p)", Path.Combine(checkpoint, "pytorch_model.bin"));
        return checkpoint;
    }
}

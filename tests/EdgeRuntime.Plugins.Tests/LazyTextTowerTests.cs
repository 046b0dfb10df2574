using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Plugins.Models;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// A package the verification child vouched for opens its text tower (session and tokenizer, a third of a small
/// model's start-up) when text is first encoded, not at load: commands whose class embeddings are cached, and
/// image-only tasks, never open it. Before, every load opened both towers. What a late opening must still do: refuse
/// a file changed since the load, naming it; and a text tower that is broken as shipped is still refused at load,
/// by the child.
/// </summary>
public sealed class LazyTextTowerTests : IDisposable
{
    private static readonly string Prompts = Path.Combine(TestData.RepoRoot, "plugins", "prompts", "crc100k", "1.0.0", "prompts.json");

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_verified_package_opens_its_text_tower_when_text_is_first_encoded_not_at_load()
    {
        var inference = Verified();
        var package = PluginRoots.InstallTinyModel(temp.File("plugins"), "1.0.0");

        // The first load fills the class-embedding cache: that is its use of the text tower.
        using (var first = await ModelRuntime.LoadAsync(package, Prompts, inference, 8, temp.File("cache"), NullLogger.Instance, CancellationToken.None))
        {
            Assert.True(first.Package.TextTowerOpen);
        }

        var logger = new RecordingLogger();
        using var model = await ModelRuntime.LoadAsync(package, Prompts, inference, 8, temp.File("cache"), logger, CancellationToken.None);
        Assert.False(model.Package.TextTowerOpen);
        Assert.DoesNotContain(logger.Entries, e => e.Message.StartsWith("text encoder runs on", StringComparison.Ordinal));
        Assert.Equal(9, model.Classes.Names.Count);

        var text = new OnnxTextEncoder(model.Package);
        var late = await text.EncodeAsync(["tumour epithelium"], CancellationToken.None);
        await text.EncodeAsync(["stroma"], CancellationToken.None);
        Assert.True(model.Package.TextTowerOpen);
        Assert.Single(logger.Entries, e => e.Message.Contains("text tower opened at its first use", StringComparison.Ordinal));
        Assert.Single(logger.Entries, e => e.Message.StartsWith("text encoder runs on", StringComparison.Ordinal));

        // The numbers of a text tower opened at load (no package check: everything at load, as in the child).
        using var eager = ModelPackage.Load(package, new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 }, NullLogger.Instance);
        Assert.True(eager.TextTowerOpen);
        Assert.Equal(await new OnnxTextEncoder(eager).EncodeAsync(["tumour epithelium"], CancellationToken.None), late);
    }

    [Theory]
    [InlineData("text_encoder.onnx")]
    [InlineData("tokenizer/vocab.json")]
    public async Task A_text_tower_file_changed_after_the_load_is_refused_naming_it_when_first_used(string file)
    {
        var inference = Verified();
        var package = PluginRoots.InstallTinyModel(temp.File("plugins"), "1.0.0");
        using var loaded = ModelPackage.Load(package, inference, NullLogger.Instance);
        Assert.False(loaded.TextTowerOpen);

        File.AppendAllText(Path.Combine(package, file), "changed after the load");

        var refusal = await Assert.ThrowsAsync<ModelPackageException>(async () => await new OnnxTextEncoder(loaded).EncodeAsync(["stroma"], CancellationToken.None));
        Assert.Contains($"{file}: SHA-256 is", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(package, refusal.Message, StringComparison.Ordinal);
        Assert.False(loaded.TextTowerOpen);

        // The image tower, opened at load, still encodes.
        using var image = new OnnxImageEncoder(loaded, 1);
        Assert.Equal(32, image.EncodeImage(new byte[64 * 64 * 3], 64, 64).Length);
    }

    [Fact]
    public void A_text_tower_broken_as_shipped_is_still_refused_at_load_by_the_verification_child()
    {
        var inference = Verified();
        var package = PluginRoots.InstallTinyModel(temp.File("plugins"), "1.0.0");

        // Every hash right, the graph wrong: the image graph where the text graph should be.
        File.Copy(Path.Combine(package, "image_encoder.onnx"), Path.Combine(package, "text_encoder.onnx"), overwrite: true);
        var manifestPath = Path.Combine(package, "model.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["files"]!["text_encoder.onnx"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(package, "text_encoder.onnx"))));
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var refusal = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(package, inference, NullLogger.Instance));
        Assert.Contains("text_encoder.onnx: no input named 'input_ids'", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_and_embed_with_their_class_embeddings_cached_open_no_text_session()
    {
        var config = temp.File("settings.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { ActiveFile = temp.File("state/active-plugins.json") },
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
                Inference = new { ExecutionProviders = new[] { "CPU" }, Precision = "float" },
            },
        }));
        var image = TestData.Image("ihc.png");
        var tiny = ReferenceModels.Package(ReferenceModels.Tiny);

        // The first run fills the cache, and opens the text tower for it.
        Assert.Contains("model: text session", Phases(() => Edgert.Run("tag", image, "-m", tiny, "--config", config)));

        foreach (var phases in new[]
        {
            Phases(() => Edgert.Run("tag", image, "-m", tiny, "--config", config)),
            Phases(() => Edgert.Run("embed", image, "-m", tiny, "-o", temp.File("features.h5"), "--config", config)),
        })
        {
            Assert.Contains("model: image session", phases);
            Assert.DoesNotContain("model: text session", phases);
            Assert.DoesNotContain("model: tokenizer", phases);
        }
    }

    private InferenceOptions Verified()
    {
        var inference = new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 };
        ModelPackageIsolation.Require(inference, new PluginOptions { ActiveFile = temp.File("state/active-plugins.json") });
        return inference;
    }

    // The start-up phases (Foundation/Diagnostics/StartupPhases) of one in-process command: those under this call's
    // own root activity, so that other tests running meanwhile add none.
    private static List<string> Phases(Func<(int Code, string Out, string Error)> run)
    {
        using var source = new ActivitySource("EdgeRuntime.Plugins.Tests.LazyTextTower");
        var stopped = new ConcurrentQueue<(ActivityTraceId Trace, string Name)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == StartupPhases.SourceName || s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => stopped.Enqueue((a.TraceId, a.DisplayName)),
        };
        ActivitySource.AddActivityListener(listener);
        using var root = source.StartActivity("command")!;
        var (code, _, error) = run();
        Assert.True(code == 0, error);
        return stopped.Where(s => s.Trace == root.TraceId).Select(s => s.Name).ToList();
    }
}

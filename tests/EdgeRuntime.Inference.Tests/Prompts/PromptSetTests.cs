using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Prompts;

public sealed class PromptSetTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static string Shipped(string id) => Path.Combine(TestData.RepoRoot, "plugins", "prompts", id, "1.0.0", "prompts.json");

    [Theory]
    [InlineData("crc100k", 9)]
    [InlineData("wsss4luad", 3)]
    [InlineData("sicapv2", 4)]
    public void Shipped_prompt_sets_load_with_their_classes(string id, int classes)
    {
        var file = PromptSetFile.Load(Shipped(id));
        Assert.Equal(id, file.Set.Id);
        Assert.Equal(classes, file.Set.Classes.Count);
        Assert.Equal(22, file.Set.Templates.Count); // CONCH's template list
    }

    [Fact]
    public void Crc100k_has_the_nine_kather_classes()
    {
        var codes = PromptSetFile.Load(Shipped("crc100k")).Set.Classes.Select(c => c.Code);
        Assert.Equal(["ADI", "BACK", "DEB", "LYM", "MUC", "MUS", "NORM", "STR", "TUM"], codes);
    }

    [Fact]
    public void Invalid_prompt_set_is_refused_naming_the_file_and_the_problem()
    {
        var path = temp.File("bad.json");
        File.WriteAllText(path, """{"schemaVersion":1,"id":"x","name":"x","version":"1","families":["clip"],"templates":["a photo"],"classes":[{"name":"a","synonyms":["a"]}]}""");
        var error = Assert.Throws<InvalidDataException>(() => PromptSetFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("templates[0] 'a photo' has no {}", error.Message);
        Assert.Contains("at least 2 classes", error.Message);
    }

    [Fact]
    public async Task Text_embeddings_are_computed_once_and_then_read_from_the_cache()
    {
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        var encoder = new CountingEncoder(new OnnxTextEncoder(package));
        var cache = new TextEmbeddingCache(temp.File("cache"));
        var prompts = PromptSetFile.Load(Shipped("wsss4luad"));

        var first = await cache.GetAsync(encoder, prompts, CancellationToken.None);
        var second = await cache.GetAsync(encoder, prompts, CancellationToken.None);
        Assert.Equal(1, encoder.Calls);
        Assert.Equal(first, second);
        Assert.Equal(3 * package.Manifest.EmbeddingSize, first.Length);
        Assert.Single(Directory.GetFiles(temp.File("cache")));

        // The cached vectors are the ensemble of the real text tower's outputs.
        var (texts, owner) = PromptEnsemble.Expand(prompts.Set);
        var direct = PromptEnsemble.ClassEmbeddings(await new OnnxTextEncoder(package).EncodeAsync(texts, CancellationToken.None), owner, 3, package.Manifest.EmbeddingSize);
        Assert.Equal(direct, first);
    }

    private sealed class CountingEncoder(Abstractions.Models.ITextEncoder inner) : Abstractions.Models.ITextEncoder
    {
        public int Calls { get; private set; }

        public Abstractions.Models.ModelIdentity Model => inner.Model;

        public int Dimension => inner.Dimension;

        public ValueTask<float[]> EncodeAsync(IReadOnlyList<string> prompts, CancellationToken cancellationToken)
        {
            Calls++;
            return inner.EncodeAsync(prompts, cancellationToken);
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Tests.Families;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Packages;

// The manifest's tokenizer kinds and the text encoder's attention mask, on the KEP twin (wordpiece, a mask input)
// and the CONCH twin (bpe-json): each wrong key or file is refused at load, naming it.
public sealed class TokenizerManifestTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string CopyOfTwin(string family) => PackageCopies.Copy(VisionLanguageFamilyTests.Twin(family), temp.File(family));

    private static void EditManifest(string package, Action<JsonObject> edit) => PackageCopies.EditManifest(package, edit);

    // A tokenizer file replaced and rehashed: the package is intact, the file is what is wrong.
    private static void ReplaceFile(string package, string relative, string content)
    {
        File.WriteAllText(Path.Combine(package, relative), content);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(package, relative))));
        EditManifest(package, m => m["files"]![relative] = hash);
    }

    private static string Refusal(string package) =>
        string.Join('\n', Assert.Throws<ModelPackageException>(() => Models.Load(package).Dispose()).Problems);

    [Fact]
    public void The_twins_load_with_their_kinds()
    {
        using var kep = Models.Load(CopyOfTwin("kep"));
        Assert.IsType<EdgeRuntime.Inference.Text.BertWordPieceTokenizer>(kep.Tokenizer);
        Assert.Equal(256, kep.Tokenizer.ContextLength);
        using var conch = Models.Load(CopyOfTwin("conch"));
        Assert.IsType<EdgeRuntime.Inference.Text.ByteLevelBpeJsonTokenizer>(conch.Tokenizer);
        Assert.Equal(128, conch.Tokenizer.ContextLength);
    }

    [Fact]
    public void Keys_are_checked_per_kind()
    {
        var kep = CopyOfTwin("kep");
        EditManifest(kep, m =>
        {
            m["tokenizer"]!.AsObject().Remove("lowercase");
            m["tokenizer"]!["merges"] = "tokenizer/vocab.txt";
        });
        var problems = Refusal(kep);
        Assert.Contains("tokenizer.lowercase is required for tokenizer.kind 'wordpiece'", problems, StringComparison.Ordinal);
        Assert.Contains("tokenizer.merges does not apply to tokenizer.kind 'wordpiece'", problems, StringComparison.Ordinal);

        var conch = CopyOfTwin("conch");
        EditManifest(conch, m => m["tokenizer"]!["maxTokens"] = 129);
        Assert.Contains("tokenizer.maxTokens must be from 2 to contextLength (128) (is 129)", Refusal(conch), StringComparison.Ordinal);

        EditManifest(conch, m => m["tokenizer"]!["kind"] = "sentencepiece");
        Assert.Contains("tokenizer.kind 'sentencepiece' is not supported (supported: clip-bpe, wordpiece, bpe-json)", Refusal(conch), StringComparison.Ordinal);
    }

    [Fact]
    public void The_attention_mask_must_name_the_graphs_second_input_and_that_input_must_be_named()
    {
        var kep = CopyOfTwin("kep");
        EditManifest(kep, m => m["textEncoder"]!.AsObject().Remove("attentionMask"));
        Assert.Contains("input 'attention_mask' is not named in the manifest", Refusal(kep), StringComparison.Ordinal);

        EditManifest(kep, m => m["textEncoder"]!["attentionMask"] = "mask");
        Assert.Contains("no input named 'mask' (textEncoder.attentionMask", Refusal(kep), StringComparison.Ordinal);

        EditManifest(kep, m =>
        {
            m["textEncoder"]!["attentionMask"] = "attention_mask";
            m["imageEncoder"]!["attentionMask"] = "attention_mask";
        });
        // The image encoder's spec has no such key: the manifest's strict reading refuses it, naming the key.
        var refusal = Refusal(kep);
        Assert.Contains("'attentionMask' is not a field here; the fields are file, input, output, precision, embedding, tokens, dense.", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tokenizer_file_its_kind_cannot_read_is_refused_naming_it()
    {
        var kep = CopyOfTwin("kep");
        ReplaceFile(kep, "tokenizer/vocab.txt", "[PAD]\n[UNK]\n[SEP]\nstroma\n");
        Assert.Contains("the vocabulary has no [CLS]; it is not a BERT vocabulary", Refusal(kep), StringComparison.Ordinal);

        var conch = CopyOfTwin("conch");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(conch, "tokenizer", "tokenizer.json")))!;
        json["model"]!["type"] = "WordPiece";
        ReplaceFile(conch, "tokenizer/tokenizer.json", json.ToJsonString());
        Assert.Contains("model.type is 'WordPiece'; only BPE is supported", Refusal(conch), StringComparison.Ordinal);

        json["model"]!["type"] = "BPE";
        json["normalizer"] = JsonNode.Parse("""{"type": "Sequence", "normalizers": [{"type": "NFKC"}]}""");
        ReplaceFile(conch, "tokenizer/tokenizer.json", json.ToJsonString());
        Assert.Contains("normalizer holds NFKC; supported: NFD, StripAccents, Lowercase", Refusal(conch), StringComparison.Ordinal);
    }
}

using System.Text.Json;
using EdgeRuntime.Inference.Text;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Text;

// Golden ids: shared/data/tokenizers/clip/golden-ids.json, produced by Hugging Face's tokenizers (Rust)
// from CLIP's tokenizer.json. The tokenizer under test reads the files the product ships in plugins/.
public sealed class ClipTokenizerTests
{
    private static readonly Lazy<ClipTokenizer> Tokenizer = new(() => ClipTokenizer.Load(
        Path.Combine(TestData.RepoRoot, "plugins", "tokenizers", "clip", "vocab.json"),
        Path.Combine(TestData.RepoRoot, "plugins", "tokenizers", "clip", "merges.txt"),
        contextLength: 77,
        padId: 0));

    public static TheoryData<string, int[]> Golden()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Tokenizer("clip/golden-ids.json")));
        var data = new TheoryData<string, int[]>();
        foreach (var c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Golden))]
    public void Golden_case_is_reproduced_exactly(string text, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.Value.Encode(text));
    }

    [Fact]
    public void Every_golden_case_is_checked()
    {
        Assert.Equal(20, Golden().Count); // the file's case count: a shrinking file would hide a regression
    }

    [Fact]
    public void Short_text_is_padded_to_the_context_length()
    {
        var ids = new long[77];
        Assert.False(Tokenizer.Value.EncodeFixed("a photo of a cat", ids));
        Assert.Equal(new long[] { 49406, 320, 1125, 539, 320, 2368, 49407 }, ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void Long_text_is_truncated_with_the_end_token_last()
    {
        var text = string.Join(' ', Enumerable.Repeat("a", 90)); // 92 tokens with start and end
        var ids = new long[77];
        Assert.True(Tokenizer.Value.EncodeFixed(text, ids));
        Assert.Equal(49406, ids[0]);
        Assert.All(ids[1..76], id => Assert.Equal(320, id));
        Assert.Equal(49407, ids[76]);
    }
}

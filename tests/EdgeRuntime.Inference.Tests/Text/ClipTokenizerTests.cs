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

    [Fact]
    public void A_megabyte_of_one_word_is_read_only_up_to_a_bounded_prefix()
    {
        // What an LIS's search text of 1 MB was: one word. Tokenised whole it took 49 s of CPU (byte-level BPE is
        // worse than linear in a word's length); read up to its prefix, it costs what the prefix costs.
        var tokenizer = Tokenizer.Value;
        var word = string.Concat(Enumerable.Repeat("necrosis", 1 << 17)); // 1 MiB of characters
        var ids = new long[77];
        tokenizer.EncodeFixed("warm up", ids);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(tokenizer.EncodeFixed(word, ids));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The text alone is 2 MiB; a tokenizer that looked at all of it would allocate several times that.
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated to tokenise the prefix of a 2 MiB text");
        var prefix = new long[77];
        tokenizer.EncodeFixed(word[..tokenizer.MaxCharacters], prefix);
        Assert.Equal(prefix, ids);
        Assert.Equal(49407, ids[76]);
    }

    [Fact]
    public void Leading_whitespace_does_not_use_up_the_prefix()
    {
        var tokenizer = Tokenizer.Value;
        var padded = new long[77];
        var plain = new long[77];
        tokenizer.EncodeFixed(new string(' ', 10 * tokenizer.MaxCharacters) + "a photo of a cat", padded);
        tokenizer.EncodeFixed("a photo of a cat", plain);
        Assert.Equal(plain, padded);
    }

    [Fact]
    public void Text_that_fills_the_context_is_encoded_as_if_read_whole()
    {
        // The longest golden case has about two characters per token: the prefix holds many contexts of it.
        var tokenizer = Tokenizer.Value;
        var sentence = "Tumour cells with necrosis, 40x H&E; mitoses 12/10 HPF (grade 3). ";
        var text = string.Concat(Enumerable.Repeat(sentence, 10));
        Assert.True(text.Length < tokenizer.MaxCharacters);
        var whole = new long[77];
        var longer = new long[77];
        tokenizer.EncodeFixed(text, whole);
        tokenizer.EncodeFixed(text + new string('x', 5 * tokenizer.MaxCharacters), longer);
        Assert.Equal(whole, longer);
    }
}

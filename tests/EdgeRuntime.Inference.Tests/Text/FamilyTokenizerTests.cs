using System.Text.Json;
using EdgeRuntime.Inference.Text;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Text;

// Golden ids: Families/golden-ids.json, written by Families/make_golden.py from Families/independent_tokenizers.py,
// a standard-library Python tokenizer written from the published algorithms (not from this C#). The vocabularies
// (Families/wordpiece/vocab.txt, Families/bpe-json/tokenizer.json) are small ones learnt from the test corpus in the
// exact file formats of PubMedBERT's vocab.txt and CONCH's tokenizer.json (same special tokens, normaliser,
// pre-tokeniser and template): the real files cannot be downloaded here. Cases checked by hand (see the asserts in
// Hand_checked_* below): "an H&E image of adenocarcinoma", a 120-letter word, added tokens inside text, runs of spaces.
public sealed class FamilyTokenizerTests
{
    private static readonly string Folder = Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Inference.Tests", "Text", "Families");

    private static readonly Lazy<BertWordPieceTokenizer> WordPiece = new(() =>
        BertWordPieceTokenizer.Load(Path.Combine(Folder, "wordpiece", "vocab.txt"), lowercase: true, contextLength: 256, padId: 0));

    private static readonly Lazy<ByteLevelBpeJsonTokenizer> BpeJson = new(() =>
        ByteLevelBpeJsonTokenizer.Load(Path.Combine(Folder, "bpe-json", "tokenizer.json"), contextLength: 128, maxTokens: 127, padId: 0));

    public static TheoryData<string, int[]> Golden(string kind)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "golden-ids.json")));
        var data = new TheoryData<string, int[]>();
        foreach (var c in json.RootElement.GetProperty(kind).EnumerateArray())
        {
            data.Add(c.GetProperty("text").GetString()!, c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Golden), "wordpiece")]
    public void Wordpiece_golden_case_is_reproduced_exactly(string text, int[] expected) =>
        Assert.Equal(expected, WordPiece.Value.Encode(text));

    [Theory]
    [MemberData(nameof(Golden), "bpe-json")]
    public void Bpe_json_golden_case_is_reproduced_exactly(string text, int[] expected) =>
        Assert.Equal(expected, BpeJson.Value.Encode(text));

    [Fact]
    public void Every_golden_case_is_checked()
    {
        // The file's case counts: a shrinking file would hide a regression.
        Assert.Equal(40, Golden("wordpiece").Count);
        Assert.Equal(40, Golden("bpe-json").Count);
    }

    [Fact]
    public void Hand_checked_wordpiece_cases()
    {
        var vocab = File.ReadAllLines(Path.Combine(Folder, "wordpiece", "vocab.txt"));
        int Id(string token) => Array.IndexOf(vocab, token);

        // Lower-cased, '&' split off as punctuation; "an" and "of" are not in the vocabulary but their pieces are.
        Assert.Equal(
            new[] { Id("[CLS]"), Id("a"), Id("##n"), Id("h"), Id("&"), Id("e"), Id("image"), Id("o"), Id("##f"), Id("adenocarcinoma"), Id("[SEP]") },
            WordPiece.Value.Encode("an H&E image of adenocarcinoma"));

        // A word of more than 100 characters is one [UNK]; one of 99 is split into pieces.
        Assert.Equal(new[] { Id("[CLS]"), Id("[UNK]"), Id("[SEP]") }, WordPiece.Value.Encode(new string('a', 120)));
        Assert.Equal(13, WordPiece.Value.Encode(string.Concat(Enumerable.Repeat("carcinoma", 11))).Count);
    }

    [Fact]
    public void Hand_checked_bpe_json_cases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "bpe-json", "tokenizer.json")));
        var vocab = json.RootElement.GetProperty("model").GetProperty("vocab");
        int Id(string token) => vocab.GetProperty(token).GetInt32();

        // A leading space is added (add_prefix_space), 'Ġ' is the space byte; "an" was learnt as one token with it.
        Assert.Equal(new[] { 1, Id("Ġan"), Id("Ġh"), Id("&"), Id("e"), Id("Ġimage"), Id("Ġof"), Id("Ġadenocarcinoma"), 2 }, BpeJson.Value.Encode("an H&E image of adenocarcinoma"));

        // Added tokens are matched in the raw text and keep their ids; the text after one starts with its own space.
        Assert.Equal(new[] { 1, 3, Id("Ġ"), Id("w"), Id("as") }, BpeJson.Value.Encode("<|person|> was").Take(5));

        // Five spaces before a word: four lone spaces, the fifth joins the word (GPT-2's \s+(?!\S)).
        Assert.Equal(new[] { 1, Id("Ġa"), Id("Ġ"), Id("Ġ"), Id("Ġ"), Id("Ġ"), Id("Ġa"), 2 }, BpeJson.Value.Encode("a     a"));
    }

    [Fact]
    public void Conch_context_is_127_tokens_then_pad_with_the_end_token_kept()
    {
        var ids = new long[128];
        var written = BpeJson.Value.EncodeToContext(string.Join(' ', Enumerable.Repeat("stroma", 200)), ids);
        Assert.True(written.Truncated);
        Assert.Equal(127, written.Length);
        Assert.Equal(1, ids[0]);
        Assert.Equal(2, ids[126]);
        Assert.Equal(0, ids[127]); // the position CONCH's text tower replaces by its class token

        written = BpeJson.Value.EncodeToContext("stroma", ids);
        Assert.False(written.Truncated);
        Assert.All(ids[written.Length..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void Bert_context_ends_with_sep_then_pad()
    {
        var ids = new long[256];
        var written = WordPiece.Value.EncodeToContext(string.Join(' ', Enumerable.Repeat("stroma", 300)), ids);
        Assert.True(written.Truncated);
        Assert.Equal(256, written.Length);
        Assert.Equal(2, ids[0]);   // [CLS]
        Assert.Equal(3, ids[255]); // [SEP]

        written = WordPiece.Value.EncodeToContext("stroma", ids);
        Assert.Equal(3, written.Length);
        Assert.Equal(new long[] { 2, Array.IndexOf(File.ReadAllLines(Path.Combine(Folder, "wordpiece", "vocab.txt")), "stroma"), 3 }, ids[..3]);
        Assert.All(ids[3..], id => Assert.Equal(0, id));
    }

    [Theory]
    [InlineData("wordpiece")]
    [InlineData("bpe-json")]
    public void A_megabyte_prompt_costs_only_its_readable_prefix(string kind)
    {
        ITextTokenizer tokenizer = kind == "wordpiece" ? WordPiece.Value : BpeJson.Value;
        var huge = string.Concat(Enumerable.Repeat("carcinoma ", 100_000)) + "\U0001F52C";
        var prefix = huge[..tokenizer.MaxCharacters];
        Assert.Equal(tokenizer.Encode(prefix), tokenizer.Encode(huge));
        Assert.True(tokenizer.EncodeToContext(huge, new long[tokenizer.ContextLength]).Truncated);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var tokenizer = BpeJson.Value;
        var text = new string('a', tokenizer.MaxCharacters - 1) + "\U0001F52C";
        Assert.Equal(tokenizer.Encode(text[..^2]), tokenizer.Encode(text));
    }
}

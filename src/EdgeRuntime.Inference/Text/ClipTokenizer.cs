using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace EdgeRuntime.Inference.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer, as Hugging Face's <c>tokenizer.json</c> for CLIP defines it: NFC, runs of
/// whitespace collapsed to one space, lower case; CLIP's pre-tokenizer pattern; byte-level BPE with
/// <c>&lt;/w&gt;</c> ending each word; start and end tokens around the text; padded or truncated to the
/// context length with the end token kept last. Built on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>.
/// </summary>
public sealed class ClipTokenizer : ITextTokenizer
{
    /// <summary>CLIP's start-of-text token.</summary>
    public const string StartToken = "<|startoftext|>";

    /// <summary>CLIP's end-of-text token.</summary>
    public const string EndToken = "<|endoftext|>";

    private readonly BpeTokenizer bpe;

    private ClipTokenizer(BpeTokenizer bpe, int contextLength, int padId, int startId, int endId)
    {
        this.bpe = bpe;
        ContextLength = contextLength;
        PadId = padId;
        StartId = startId;
        EndId = endId;
    }

    /// <summary>Tokens per encoded text, start and end included.</summary>
    public int ContextLength { get; }

    /// <summary>Id of <see cref="StartToken"/>.</summary>
    public int StartId { get; }

    /// <summary>Id of <see cref="EndToken"/>.</summary>
    public int EndId { get; }

    /// <summary>Id written after the end token up to the context length.</summary>
    public int PadId { get; }

    /// <summary>
    /// The most characters of a text the tokenizer reads, after leading whitespace: <see cref="CharactersPerToken"/>
    /// times the context length. Every token covers at least one character, and a text's tokens past the context
    /// length are dropped anyway, so ordinary text is encoded as if read whole; a megabyte-long text costs what this
    /// prefix costs (byte-level BPE is worse than linear in the length of a word).
    /// </summary>
    public int MaxCharacters => ContextLength * CharactersPerToken;

    /// <summary>
    /// Characters read per token of context: 16, four times English's mean of about four characters per CLIP token,
    /// so that even a text of long whole-word tokens fills the context before the cut.
    /// </summary>
    public const int CharactersPerToken = ContextWindow.CharactersPerToken;

    /// <summary>Loads the tokenizer from a vocabulary (<c>vocab.json</c>) and merges (<c>merges.txt</c>).</summary>
    public static ClipTokenizer Load(string vocabPath, string mergesPath, int contextLength, int padId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 2);
        var specialTokens = ReadSpecialTokenIds(vocabPath);
        var options = new BpeOptions(vocabPath, mergesPath)
        {
            Normalizer = new ClipNormalizer(),
            PreTokenizer = new RegexPreTokenizer(ClipPreTokenizerPattern(), specialTokens),
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
            SpecialTokens = specialTokens,
            UnknownToken = EndToken,
        };
        return new ClipTokenizer(BpeTokenizer.Create(options), contextLength, padId, specialTokens[StartToken], specialTokens[EndToken]);
    }

    /// <summary>
    /// Token ids of <paramref name="text"/>'s first <see cref="MaxCharacters"/> characters (after leading whitespace)
    /// with start and end tokens, without padding or truncation to the context length.
    /// </summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int> { StartId };
        ids.AddRange(bpe.EncodeToIds(ContextWindow.Readable(text, MaxCharacters, out _)));
        ids.Add(EndId);
        return ids;
    }

    /// <summary>
    /// Writes <see cref="ContextLength"/> ids for <paramref name="text"/> into <paramref name="destination"/>:
    /// truncated so that the end token stays last, then padded with <see cref="PadId"/>.
    /// </summary>
    /// <returns>True when the text had to be truncated (its tokens, or its characters past <see cref="MaxCharacters"/>).</returns>
    public bool EncodeFixed(string text, Span<long> destination) => EncodeToContext(text, destination).Truncated;

    /// <inheritdoc />
    public ContextTokens EncodeToContext(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        _ = ContextWindow.Readable(text, MaxCharacters, out var cut);
        return ContextWindow.Write(Encode(text), cut, ContextLength, ContextLength, EndId, PadId, destination);
    }

    // CLIP's pattern (from its tokenizer.json): special tokens, English contractions, letter runs, single
    // digits, runs of other non-space characters. Whitespace matches nothing and so is dropped.
    private static Regex ClipPreTokenizerPattern() => new(
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static Dictionary<string, int> ReadSpecialTokenIds(string vocabPath)
    {
        using var stream = File.OpenRead(vocabPath);
        using var json = System.Text.Json.JsonDocument.Parse(stream);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in new[] { StartToken, EndToken })
        {
            if (!json.RootElement.TryGetProperty(token, out var id))
            {
                throw new InvalidDataException($"{vocabPath}: the vocabulary has no {token}; it is not a CLIP vocabulary.");
            }

            result[token] = id.GetInt32();
        }

        return result;
    }
}

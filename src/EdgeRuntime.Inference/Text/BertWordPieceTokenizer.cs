using System.Globalization;
using System.Text;

namespace EdgeRuntime.Inference.Text;

/// <summary>
/// The <c>wordpiece</c> kind: BERT's tokenizer as PubMedBERT / BiomedBERT text towers use it (KEP, QuiltNet-B-16-PMB),
/// with the tokenizers library's definitions (open_clip and transformers load the fast, Rust tokenizer): NUL,
/// U+FFFD and control and format characters dropped, whitespace to spaces, CJK ideographs split apart, accents
/// stripped and lower case for uncased vocabularies, split on whitespace and punctuation (ASCII symbols such as
/// + = ~ $ included); WordPiece, longest piece first with <c>##</c> continuations, a word it cannot cover or of
/// more than 100 characters becoming one <c>[UNK]</c>; then <c>[CLS]</c> … <c>[SEP]</c> and <c>[PAD]</c>.
/// Our own code: Microsoft.ML.Tokenizers' BertTokenizer (2.0.1) differs from BERT on tabs, ASCII symbols, unknown
/// single characters, emoji and (under InvariantGlobalization) accents, which FamilyTokenizerTests' golden ids catch.
/// </summary>
public sealed class BertWordPieceTokenizer : ITextTokenizer
{
    private const int MaxCharactersPerWord = 100;
    private readonly Dictionary<string, int> vocab;
    private readonly bool lowercase;
    private readonly int clsId, sepId, unkId, padId;

    private BertWordPieceTokenizer(Dictionary<string, int> vocab, bool lowercase, int contextLength, int padId)
    {
        this.vocab = vocab;
        this.lowercase = lowercase;
        this.padId = padId;
        clsId = vocab["[CLS]"];
        sepId = vocab["[SEP]"];
        unkId = vocab["[UNK]"];
        ContextLength = contextLength;
    }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <inheritdoc />
    public int MaxCharacters => ContextLength * ContextWindow.CharactersPerToken;

    /// <summary>Loads a <c>vocab.txt</c> (one token per line, the line number its id).</summary>
    /// <param name="vocabPath">The vocabulary; it must hold [CLS], [SEP], [PAD] and [UNK].</param>
    /// <param name="lowercase">True for uncased vocabularies (PubMedBERT's): lower case and accents stripped.</param>
    /// <param name="contextLength">Ids per text, [CLS] and [SEP] included.</param>
    /// <param name="padId">The id written after [SEP]; it must be [PAD]'s.</param>
    public static BertWordPieceTokenizer Load(string vocabPath, bool lowercase, int contextLength, int padId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 2);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var id = 0;
        foreach (var line in File.ReadLines(vocabPath))
        {
            vocab.TryAdd(line.TrimEnd('\r'), id++);
        }

        foreach (var special in new[] { "[CLS]", "[SEP]", "[PAD]", "[UNK]" })
        {
            if (!vocab.ContainsKey(special))
            {
                throw new InvalidDataException($"{vocabPath}: the vocabulary has no {special}; it is not a BERT vocabulary.");
            }
        }

        if (vocab["[PAD]"] != padId)
        {
            throw new InvalidDataException($"{vocabPath}: [PAD] has id {vocab["[PAD]"]}, but tokenizer.padTokenId is {padId}.");
        }

        return new BertWordPieceTokenizer(vocab, lowercase, contextLength, padId);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int> { clsId };
        foreach (var word in Words(Normalize(ContextWindow.Readable(text, MaxCharacters, out _).ToString())))
        {
            AddPieces(word, ids);
        }

        ids.Add(sepId);
        return ids;
    }

    /// <inheritdoc />
    public ContextTokens EncodeToContext(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        _ = ContextWindow.Readable(text, MaxCharacters, out var cut);
        return ContextWindow.Write(Encode(text), cut, ContextLength, ContextLength, sepId, padId, destination);
    }

    private string Normalize(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is 0 or 0xFFFD || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                clean.Append(' ');
            }
            else if (IsCjk(rune.Value))
            {
                clean.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                clean.Append(rune.ToString());
            }
        }

        var result = clean.ToString();
        return lowercase ? CanonicalDecomposition.Lower(CanonicalDecomposition.StripMarks(CanonicalDecomposition.Nfd(result))) : result;
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWhitespace(rune) || IsPunctuation(rune))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString());
                    current.Clear();
                }

                if (!IsWhitespace(rune))
                {
                    words.Add(rune.ToString());
                }
            }
            else
            {
                current.Append(rune.ToString());
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private void AddPieces(string word, List<int> ids)
    {
        // Positions are in characters (code points), as the tokenizers library counts them; never inside a pair.
        var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
        if (runes.Length > MaxCharactersPerWord)
        {
            ids.Add(unkId);
            return;
        }

        var pieces = new List<int>();
        for (var start = 0; start < runes.Length;)
        {
            var found = -1;
            var end = runes.Length;
            for (; end > start; end--)
            {
                var piece = (start > 0 ? "##" : "") + string.Concat(runes[start..end]);
                if (vocab.TryGetValue(piece, out found))
                {
                    break;
                }

                found = -1;
            }

            if (found < 0)
            {
                ids.Add(unkId);
                return;
            }

            pieces.Add(found);
            start = end;
        }

        ids.AddRange(pieces);
    }

    private static bool IsWhitespace(Rune r) => r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune r) => r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse;

    private static bool IsPunctuation(Rune r) => r.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        || Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    private static bool IsCjk(int cp) => cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
        or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}

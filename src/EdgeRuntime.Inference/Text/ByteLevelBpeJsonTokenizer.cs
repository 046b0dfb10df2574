using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace EdgeRuntime.Inference.Text;

/// <summary>
/// The <c>bpe-json</c> kind: a Hugging Face tokenizers <c>tokenizer.json</c> holding a byte-level BPE, as CONCH ships
/// it. Added tokens are split out of the raw text first; each stretch between them is normalised (the file's
/// normaliser), given a leading space (ByteLevel's add_prefix_space), split by GPT-2's pattern and encoded by byte-level
/// BPE; the post-processor's template puts its start and end tokens around the text. Truncated to
/// <c>maxTokens</c> with the end token kept last and padded to the context length (CONCH: 127 tokens, then one more
/// pad, the position its text tower gives its class token). BPE on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>;
/// reading the file, added tokens and the template are ours, since that library does not read tokenizer.json.
/// </summary>
public sealed partial class ByteLevelBpeJsonTokenizer : ITextTokenizer
{
    private readonly BpeTokenizer bpe;
    private readonly TokenizerJsonNormalizer normalizer;
    private readonly bool addPrefixSpace;
    private readonly IReadOnlyList<KeyValuePair<string, int>> addedTokens; // longest first: leftmost-longest matching
    private readonly int startId;
    private readonly int endId;
    private readonly int padId;
    private readonly int maxTokens;

    private ByteLevelBpeJsonTokenizer(BpeTokenizer bpe, TokenizerJsonNormalizer normalizer, bool addPrefixSpace, IReadOnlyList<KeyValuePair<string, int>> addedTokens, int startId, int endId, int padId, int contextLength, int maxTokens)
    {
        this.bpe = bpe;
        this.normalizer = normalizer;
        this.addPrefixSpace = addPrefixSpace;
        this.addedTokens = addedTokens;
        this.startId = startId;
        this.endId = endId;
        this.padId = padId;
        this.maxTokens = maxTokens;
        ContextLength = contextLength;
    }

    /// <inheritdoc />
    public int ContextLength { get; }

    /// <inheritdoc />
    public int MaxCharacters => ContextLength * ContextWindow.CharactersPerToken;

    /// <summary>Loads a <c>tokenizer.json</c>; refuses, naming the key, what is not a byte-level BPE with a start/end template.</summary>
    public static ByteLevelBpeJsonTokenizer Load(string path, int contextLength, int maxTokens, int padId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTokens, contextLength);
        using var stream = File.OpenRead(path);
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        InvalidDataException Refuse(string key, string what) => new($"{path}: {key} {what}");

        var model = Property(root, "model") ?? throw Refuse("model", "is missing.");
        if (Text(model, "type") != "BPE")
        {
            throw Refuse("model.type", $"is '{Text(model, "type")}'; only BPE is supported.");
        }

        foreach (var key in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (Text(model, key) is { Length: > 0 } value)
            {
                throw Refuse($"model.{key}", $"is '{value}'; byte-level BPE files have none.");
            }
        }

        var vocab = (Property(model, "vocab") ?? throw Refuse("model.vocab", "is missing.")).EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, p.Value.GetInt32())).ToList();
        var merges = (Property(model, "merges") ?? throw Refuse("model.merges", "is missing.")).EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? string.Join(' ', m.EnumerateArray().Select(s => s.GetString())) : m.GetString()!)
            .ToList();

        var preTokenizer = Property(root, "pre_tokenizer");
        if (preTokenizer is null || Text(preTokenizer.Value, "type") != "ByteLevel" || Property(preTokenizer.Value, "use_regex")?.ValueKind == JsonValueKind.False)
        {
            throw Refuse("pre_tokenizer", "must be ByteLevel with use_regex (GPT-2's pattern).");
        }

        var addPrefixSpace = Property(preTokenizer.Value, "add_prefix_space")?.ValueKind == JsonValueKind.True;
        var steps = new List<string>();
        if (Property(root, "normalizer") is { ValueKind: JsonValueKind.Object } n)
        {
            steps.AddRange(Text(n, "type") == "Sequence"
                ? Property(n, "normalizers")!.Value.EnumerateArray().Select(s => Text(s, "type") ?? "")
                : [Text(n, "type") ?? ""]);
        }

        var normalizer = TokenizerJsonNormalizer.Create(steps)
            ?? throw Refuse("normalizer", $"holds {string.Join(", ", steps)}; supported: {string.Join(", ", TokenizerJsonNormalizer.Supported)}.");

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (Property(root, "added_tokens") is { ValueKind: JsonValueKind.Array } tokens)
        {
            foreach (var t in tokens.EnumerateArray())
            {
                if (Property(t, "normalized")?.ValueKind == JsonValueKind.True || Property(t, "lstrip")?.ValueKind == JsonValueKind.True || Property(t, "rstrip")?.ValueKind == JsonValueKind.True)
                {
                    throw Refuse("added_tokens", $"'{Text(t, "content")}' is normalised or strips spaces; only raw-text added tokens are supported.");
                }

                added[Text(t, "content")!] = Property(t, "id")!.Value.GetInt32();
            }
        }

        var single = Property(root, "post_processor") is { ValueKind: JsonValueKind.Object } post && Text(post, "type") == "TemplateProcessing"
            ? Property(post, "single")?.EnumerateArray().ToList()
            : null;
        if (single is not { Count: 3 } || Property(single[1], "Sequence") is null
            || Property(single[0], "SpecialToken") is not { } start || Property(single[2], "SpecialToken") is not { } end)
        {
            throw Refuse("post_processor", "must be a TemplateProcessing whose single template is a special token, the text, a special token.");
        }

        int Id(JsonElement special) => Text(special, "id") is { } name && added.TryGetValue(name, out var id)
            ? id
            : throw Refuse("post_processor.single", $"names '{Text(special, "id")}', which is not an added token.");

        var options = new BpeOptions(vocab)
        {
            Merges = merges,
            PreTokenizer = new RegexPreTokenizer(Gpt2Pattern(), null),
            ByteLevel = true,
        };
        var ordered = added.OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        return new ByteLevelBpeJsonTokenizer(BpeTokenizer.Create(options), normalizer, addPrefixSpace, ordered, Id(start), Id(end), padId, contextLength, maxTokens);
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var readable = ContextWindow.Readable(text, MaxCharacters, out _, trimStart: false);
        var ids = new List<int> { startId };
        var plain = 0;
        for (var i = 0; i < readable.Length;)
        {
            var hit = Added(readable[i..]);
            if (hit is null)
            {
                i++;
                continue;
            }

            EncodePlain(readable[plain..i], ids);
            ids.Add(hit.Value.Value);
            i += hit.Value.Key.Length;
            plain = i;
        }

        EncodePlain(readable[plain..], ids);
        ids.Add(endId);
        return ids;
    }

    /// <inheritdoc />
    public ContextTokens EncodeToContext(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        _ = ContextWindow.Readable(text, MaxCharacters, out var cut, trimStart: false);
        return ContextWindow.Write(Encode(text), cut, maxTokens, ContextLength, endId, padId, destination);
    }

    private KeyValuePair<string, int>? Added(ReadOnlySpan<char> rest)
    {
        foreach (var token in addedTokens)
        {
            if (rest.StartsWith(token.Key, StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }

    private void EncodePlain(ReadOnlySpan<char> segment, List<int> ids)
    {
        if (segment.IsEmpty)
        {
            return;
        }

        var normalized = normalizer.Normalize(segment.ToString());
        if (normalized.Length == 0)
        {
            return;
        }

        if (addPrefixSpace && normalized[0] != ' ')
        {
            normalized = " " + normalized;
        }

        ids.AddRange(bpe.EncodeToIds(normalized, considerPreTokenization: true, considerNormalization: false));
    }

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    // GPT-2's pattern, as the tokenizers library's ByteLevel pre-tokeniser uses it.
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Gpt2Pattern();
}

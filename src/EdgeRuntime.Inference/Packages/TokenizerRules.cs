using EdgeRuntime.Inference.Text;

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// The manifest's tokenizer keys per kind (which files each kind needs, which keys it takes), and the one place
/// that turns them into the <see cref="ITextTokenizer"/> the text encoder calls.
/// </summary>
internal static class TokenizerRules
{
    public static IReadOnlyList<string> Kinds { get; } = ["clip-bpe", "wordpiece", "bpe-json"];

    public static IEnumerable<string> Validate(TokenizerSpec t, string? textAttentionMask)
    {
        if (!Kinds.Contains(t.Kind))
        {
            yield return $"model.json: tokenizer.kind '{t.Kind}' is not supported (supported: {string.Join(", ", Kinds)}).";
            yield break;
        }

        var (needs, takes) = t.Kind switch
        {
            "clip-bpe" => (new[] { "vocab", "merges" }, new[] { "vocab", "merges" }),
            "wordpiece" => (["vocab", "lowercase"], ["vocab", "lowercase"]),
            _ => (["file", "maxTokens"], new[] { "file", "maxTokens" }),
        };
        var given = new Dictionary<string, bool>
        {
            ["vocab"] = t.Vocab is not null,
            ["merges"] = t.Merges is not null,
            ["file"] = t.File is not null,
            ["lowercase"] = t.Lowercase is not null,
            ["maxTokens"] = t.MaxTokens is not null,
        };
        foreach (var key in needs.Where(k => !given[k]))
        {
            yield return $"model.json: tokenizer.{key} is required for tokenizer.kind '{t.Kind}'.";
        }

        foreach (var key in given.Keys.Where(k => given[k] && !takes.Contains(k)))
        {
            yield return $"model.json: tokenizer.{key} does not apply to tokenizer.kind '{t.Kind}'.";
        }

        if (t.ContextLength is < 2 or > ManifestLimits.MaxContextLength)
        {
            yield return $"model.json: tokenizer.contextLength must be from 2 to {ManifestLimits.MaxContextLength} (is {t.ContextLength}).";
        }

        if (t.PadTokenId is < 0 or > ManifestLimits.MaxTokenId)
        {
            yield return $"model.json: tokenizer.padTokenId must be from 0 to {ManifestLimits.MaxTokenId} (is {t.PadTokenId}).";
        }

        if (t.MaxTokens is { } max && (max < 2 || max > t.ContextLength))
        {
            yield return $"model.json: tokenizer.maxTokens must be from 2 to contextLength ({t.ContextLength}) (is {max}).";
        }

        if (textAttentionMask is { Length: 0 })
        {
            yield return "model.json: textEncoder.attentionMask must name the graph's mask input, or be left out.";
        }
    }

    /// <summary>The tokenizer's files with their manifest keys, for the check that every file is hashed.</summary>
    public static IEnumerable<(string Key, string File)> Files(TokenizerSpec t)
    {
        foreach (var (key, file) in new[] { ("tokenizer.vocab", t.Vocab), ("tokenizer.merges", t.Merges), ("tokenizer.file", t.File) })
        {
            if (file is not null)
            {
                yield return (key, file);
            }
        }
    }

    /// <summary>The tokenizer of a validated manifest.</summary>
    public static ITextTokenizer Load(string directory, TokenizerSpec t) => t.Kind switch
    {
        "clip-bpe" => ClipTokenizer.Load(Path.Combine(directory, t.Vocab!), Path.Combine(directory, t.Merges!), t.ContextLength, t.PadTokenId),
        "wordpiece" => BertWordPieceTokenizer.Load(Path.Combine(directory, t.Vocab!), t.Lowercase!.Value, t.ContextLength, t.PadTokenId),
        _ => ByteLevelBpeJsonTokenizer.Load(Path.Combine(directory, t.File!), t.ContextLength, t.MaxTokens!.Value, t.PadTokenId),
    };
}

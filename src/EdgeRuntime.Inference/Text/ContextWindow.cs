namespace EdgeRuntime.Inference.Text;

/// <summary>
/// The two bounds every tokenizer kind shares: the prefix of a text it reads at all (so a megabyte-long prompt
/// costs what a prompt of the context's length costs), and the cut to the context with the end token kept last.
/// </summary>
internal static class ContextWindow
{
    /// <summary>
    /// Characters read per token of context: 16, four times English's mean of about four characters per token, so
    /// that even a text of long whole-word tokens fills the context before the cut.
    /// </summary>
    public const int CharactersPerToken = 16;

    /// <summary>
    /// The text (after leading whitespace when <paramref name="trimStart"/>: kinds whose pre-tokeniser drops it) cut at
    /// <paramref name="maxCharacters"/>, never inside a surrogate pair.
    /// </summary>
    public static ReadOnlySpan<char> Readable(string text, int maxCharacters, out bool cut, bool trimStart = true)
    {
        var rest = trimStart ? text.AsSpan().TrimStart() : text.AsSpan();
        cut = rest.Length > maxCharacters;
        if (!cut)
        {
            return rest;
        }

        var end = char.IsHighSurrogate(rest[maxCharacters - 1]) ? maxCharacters - 1 : maxCharacters;
        return rest[..end];
    }

    /// <summary>
    /// Writes at most <paramref name="maxTokens"/> of <paramref name="ids"/> (the last replaced by
    /// <paramref name="endId"/> when cut), then <paramref name="padId"/> up to <paramref name="contextLength"/>.
    /// </summary>
    public static ContextTokens Write(IReadOnlyList<int> ids, bool cutText, int maxTokens, int contextLength, int endId, int padId, Span<long> destination)
    {
        if (destination.Length < contextLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} ids; {contextLength} needed.", nameof(destination));
        }

        var kept = Math.Min(ids.Count, maxTokens);
        for (var i = 0; i < kept; i++)
        {
            destination[i] = ids[i];
        }

        if (ids.Count > maxTokens)
        {
            destination[kept - 1] = endId;
        }

        destination[kept..contextLength].Fill(padId);
        return new ContextTokens(kept, cutText || ids.Count > maxTokens);
    }
}

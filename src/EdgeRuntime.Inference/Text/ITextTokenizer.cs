namespace EdgeRuntime.Inference.Text;

/// <summary>
/// A text tower's tokenizer, whatever its kind (<c>clip-bpe</c>, <c>wordpiece</c>, <c>bpe-json</c>): the prompt
/// embedding code calls this for every kind, and the package's manifest chooses which.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Ids per encoded text, padding included (the text tower's input length).</summary>
    int ContextLength { get; }

    /// <summary>The most characters of a text the tokenizer reads (after leading whitespace); the rest is cut unread.</summary>
    int MaxCharacters { get; }

    /// <summary>Token ids of the text's readable prefix with the family's special tokens, without padding or truncation.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>
    /// Writes <see cref="ContextLength"/> ids into <paramref name="destination"/>: truncated so that the end token
    /// stays last, then padded as the family pads.
    /// </summary>
    ContextTokens EncodeToContext(string text, Span<long> destination);
}

/// <summary>What <see cref="ITextTokenizer.EncodeToContext"/> wrote.</summary>
/// <param name="Length">Ids that are tokens (the rest is padding): the attention mask's ones.</param>
/// <param name="Truncated">The text had more tokens, or more characters than the tokenizer reads.</param>
public readonly record struct ContextTokens(int Length, bool Truncated);

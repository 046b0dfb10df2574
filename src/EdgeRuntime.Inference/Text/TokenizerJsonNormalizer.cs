namespace EdgeRuntime.Inference.Text;

/// <summary>
/// The normalisers of a Hugging Face <c>tokenizer.json</c> that byte-level BPE files use (CONCH's: NFD, StripAccents,
/// Lowercase, in the file's order), with the tokenizers library's definitions (<see cref="CanonicalDecomposition"/>).
/// NFC and the compatibility forms are not supported: under InvariantGlobalization nothing here composes.
/// </summary>
internal sealed class TokenizerJsonNormalizer
{
    private readonly IReadOnlyList<string> steps;

    private TokenizerJsonNormalizer(IReadOnlyList<string> steps) => this.steps = steps;

    /// <summary>The normalisers the runtime implements.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["NFD", "StripAccents", "Lowercase"];

    /// <summary>Builds the normaliser from the step types in order; null when a type is not one of <see cref="Supported"/>.</summary>
    public static TokenizerJsonNormalizer? Create(IReadOnlyList<string> steps) =>
        steps.All(Supported.Contains) ? new TokenizerJsonNormalizer(steps) : null;

    public string Normalize(string text)
    {
        foreach (var step in steps)
        {
            text = step switch
            {
                "NFD" => CanonicalDecomposition.Nfd(text),
                "StripAccents" => CanonicalDecomposition.StripMarks(text),
                _ => CanonicalDecomposition.Lower(text),
            };
        }

        return text;
    }
}

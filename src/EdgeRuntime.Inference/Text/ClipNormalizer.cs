using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace EdgeRuntime.Inference.Text;

/// <summary>
/// The normaliser of CLIP's <c>tokenizer.json</c>: Unicode NFC, runs of whitespace (tabs, newlines) to one
/// space, lower case. OpenAI's original tokenizer also ran ftfy and HTML unescaping; prompts do not need them.
/// </summary>
internal sealed partial class ClipNormalizer : Normalizer
{
    public override string Normalize(string original) => Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var nfc = original.ToString().Normalize(NormalizationForm.FormC);
        return Whitespace().Replace(nfc, " ").ToLowerInvariant();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

using System.Globalization;
using System.Text;

namespace EdgeRuntime.Inference.Text;

/// <summary>
/// NFD, accent stripping and per-character lower case as the tokenizers library defines them, independent of the
/// culture data: the runtime runs with InvariantGlobalization, under which <see cref="string.Normalize()"/> leaves
/// non-ASCII text as it is. Decompositions come from a generated table (tools/unicode/make-decomposition-table.py),
/// Hangul syllables by formula. Combining marks are not reordered by combining class: the tokenizer kinds strip them
/// right after decomposing, where their order does not matter.
/// </summary>
internal static partial class CanonicalDecomposition
{
    private static readonly Lazy<Dictionary<int, string>> Map = new(Parse);

    /// <summary>The canonical decomposition of every character of <paramref name="text"/>.</summary>
    public static string Nfd(string text)
    {
        if (IsAscii(text))
        {
            return text;
        }

        var map = Map.Value;
        var result = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0xAC00 and <= 0xD7A3)
            {
                var s = rune.Value - 0xAC00;
                result.Append((char)(0x1100 + (s / 588))).Append((char)(0x1161 + (s % 588 / 28)));
                if (s % 28 != 0)
                {
                    result.Append((char)(0x11A7 + (s % 28)));
                }
            }
            else if (map.TryGetValue(rune.Value, out var decomposed))
            {
                result.Append(decomposed);
            }
            else
            {
                result.Append(rune.ToString());
            }
        }

        return result.ToString();
    }

    /// <summary>Drops non-spacing marks (Unicode category Mn), as the tokenizers' StripAccents does after NFD.</summary>
    public static string StripMarks(string text)
    {
        if (IsAscii(text))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                result.Append(rune.ToString());
            }
        }

        return result.ToString();
    }

    /// <summary>
    /// Each character's full lower case on its own (Rust's char::to_lowercase): no final-sigma rule; 'İ' becomes 'i'
    /// and a combining dot above, the one character whose full lower case is not its one-character mapping.
    /// </summary>
    public static string Lower(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0x130)
            {
                result.Append("i\u0307");
            }
            else
            {
                result.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return result.ToString();
    }

    private static bool IsAscii(string text) => Ascii.IsValid(text);

    private static Dictionary<int, string> Parse()
    {
        var map = new Dictionary<int, string>();
        foreach (var entry in Table.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var key = int.Parse(entry.AsSpan(0, eq), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var value = new StringBuilder();
            foreach (var part in entry[(eq + 1)..].Split(' '))
            {
                value.Append(char.ConvertFromUtf32(int.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            map[key] = value.ToString();
        }

        return map;
    }
}

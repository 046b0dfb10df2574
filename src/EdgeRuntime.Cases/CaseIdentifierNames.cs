namespace EdgeRuntime.Cases;

/// <summary>
/// The identifiers an LIS files a slide by. A case (accession) has specimens (parts), a specimen blocks, a block
/// slides; the stain says what the slide shows.
/// </summary>
public static class CaseIdentifierNames
{
    /// <summary>The case's accession number.</summary>
    public const string Accession = "accession";

    /// <summary>The specimen (part) within the case.</summary>
    public const string Specimen = "specimen";

    /// <summary>The block within the specimen.</summary>
    public const string Block = "block";

    /// <summary>The glass slide itself (often the label's barcode).</summary>
    public const string Slide = "slide";

    /// <summary>The stain (H&amp;E, an antibody).</summary>
    public const string Stain = "stain";

    /// <summary>Every name, in the order a case is drilled down.</summary>
    public static IReadOnlyList<string> All { get; } = [Accession, Specimen, Block, Slide, Stain];

    /// <summary>Longest identifier value taken (HL7 v2's CX.1 and most LIS fields allow no more).</summary>
    public const int MaxValueLength = 64;

    /// <summary>Why <paramref name="value"/> cannot be an identifier, or null if it can.</summary>
    public static string? Refusal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Trim().Length == 0)
        {
            return "is empty";
        }

        if (value.Length > MaxValueLength)
        {
            return $"is longer than {MaxValueLength} characters ({value.Length})";
        }

        return value.Any(char.IsControl) ? "contains control characters" : null;
    }
}

using System.Text.RegularExpressions;
using ZXing;

namespace EdgeRuntime.Cases;

/// <summary>Where a slide's case identifiers are read from (docs/lis.md). Bound from <c>EdgeRuntime:Cases</c>.</summary>
public sealed class CaseOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Cases";

    /// <summary>Longest a pattern may take on one name or barcode before it is abandoned.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The sources read, in order; for each identifier the first source that gives it wins. Default <c>sidecar</c>,
    /// <c>label-barcode</c>, <c>properties</c>, <c>file-name</c>. Empty: no identifiers are read.
    /// </summary>
    public List<string>? Sources { get; set; }

    /// <summary>
    /// A regular expression matched against the slide's file name (with its extension) whose named groups
    /// (<c>accession</c>, <c>specimen</c>, <c>block</c>, <c>slide</c>, <c>stain</c>) are the identifiers, such as
    /// <c>^(?&lt;accession&gt;[A-Z]+\d{2}-\d+)_(?&lt;block&gt;[A-Z]\d+)</c>. Default none: the file name gives nothing.
    /// </summary>
    public string? FileNamePattern { get; set; }

    /// <summary>Largest sidecar file read, in bytes; a larger one is refused with a problem noted. Default 65536 (up to 1 MiB).</summary>
    public int SidecarMaxBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Vendor properties read as identifiers: identifier name → property keys separated by <c>|</c>, the first
    /// present winning. Default <c>slide</c> ← <c>aperio.Barcode|philips.PIM_DP_UFS_BARCODE</c>.
    /// </summary>
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal)
    {
        [CaseIdentifierNames.Slide] = "aperio.Barcode|philips.PIM_DP_UFS_BARCODE",
    };

    /// <summary>
    /// A regular expression whose named groups split a decoded label barcode (or a property read as <c>slide</c> is
    /// not split) into identifiers. Default none: the whole barcode text is the <c>slide</c> identifier.
    /// </summary>
    public string? BarcodePattern { get; set; }

    /// <summary>Symbologies looked for on the label (ZXing names). Default DATA_MATRIX, QR_CODE, CODE_128, CODE_39, PDF_417.</summary>
    public List<string>? BarcodeFormats { get; set; }

    /// <summary>The associated image the barcode is read from. Default <c>label</c>.</summary>
    public string LabelImage { get; set; } = "label";

    /// <summary>Largest label image decoded, in pixels; a larger one is skipped with a problem noted. Default 16,000,000.</summary>
    public long MaxLabelPixels { get; set; } = 16_000_000;

    /// <summary>The sources in effect.</summary>
    public IReadOnlyList<string> EffectiveSources => Sources ?? [.. CaseSources.All];

    /// <summary>The symbologies in effect.</summary>
    public IReadOnlyList<BarcodeFormat> EffectiveBarcodeFormats =>
        (BarcodeFormats ?? ["DATA_MATRIX", "QR_CODE", "CODE_128", "CODE_39", "PDF_417"]).Select(f => Enum.Parse<BarcodeFormat>(f, ignoreCase: true)).ToList();

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        var sources = EffectiveSources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (!CaseSources.All.Contains(sources[i]))
            {
                yield return $"{Section}:{nameof(Sources)}:{i} is '{sources[i]}'; a source is one of {string.Join(", ", CaseSources.All)}.";
            }
            else if (sources.Take(i).Contains(sources[i]))
            {
                yield return $"{Section}:{nameof(Sources)}:{i} names '{sources[i]}' a second time.";
            }
        }

        foreach (var error in PatternErrors(FileNamePattern, nameof(FileNamePattern)).Concat(PatternErrors(BarcodePattern, nameof(BarcodePattern))))
        {
            yield return error;
        }

        if (SidecarMaxBytes is < 1 or > 1024 * 1024)
        {
            yield return $"{Section}:{nameof(SidecarMaxBytes)} must be 1 to 1048576 (is {SidecarMaxBytes}).";
        }

        foreach (var (name, keys) in Properties)
        {
            if (!CaseIdentifierNames.All.Contains(name))
            {
                yield return $"{Section}:{nameof(Properties)}:{name} is not an identifier; one of {string.Join(", ", CaseIdentifierNames.All)}.";
            }
            else if (string.IsNullOrWhiteSpace(keys))
            {
                yield return $"{Section}:{nameof(Properties)}:{name} must name at least one property key (keys separated by '|').";
            }
        }

        var formats = BarcodeFormats ?? [];
        for (var i = 0; i < formats.Count; i++)
        {
            if (!Enum.TryParse<BarcodeFormat>(formats[i], ignoreCase: true, out var format) || int.TryParse(formats[i], out _) || format is BarcodeFormat.All_1D)
            {
                yield return $"{Section}:{nameof(BarcodeFormats)}:{i} is '{formats[i]}'; a symbology such as DATA_MATRIX, QR_CODE, CODE_128, CODE_39, PDF_417, EAN_13, ITF.";
            }
        }

        if (string.IsNullOrWhiteSpace(LabelImage))
        {
            yield return $"{Section}:{nameof(LabelImage)} must name an associated image (label).";
        }

        if (MaxLabelPixels < 1)
        {
            yield return $"{Section}:{nameof(MaxLabelPixels)} must be positive (is {MaxLabelPixels}).";
        }
    }

    private static IEnumerable<string> PatternErrors(string? pattern, string key)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            yield break;
        }

        Regex regex;
        string? error = null;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException e)
        {
            regex = null!;
            error = $"{Section}:{key} is not a valid regular expression: {e.Message}";
        }

        if (error is not null)
        {
            yield return error;
            yield break;
        }

        var groups = regex.GetGroupNames().Where(g => !int.TryParse(g, out _)).ToList();
        foreach (var unknown in groups.Where(g => !CaseIdentifierNames.All.Contains(g)))
        {
            yield return $"{Section}:{key} has a group '{unknown}'; groups are named for identifiers: {string.Join(", ", CaseIdentifierNames.All)}.";
        }

        if (groups.Count == 0)
        {
            yield return $"{Section}:{key} has no named group: name each identifier's group, as (?<accession>...).";
        }
    }
}

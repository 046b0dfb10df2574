namespace EdgeRuntime.Cases;

/// <summary>The sources a slide's case identifiers are read from, by their configuration names (EdgeRuntime:Cases:Sources).</summary>
public static class CaseSources
{
    /// <summary>A sidecar file the scanner or the LIS writes beside the slide: <c>{slide file name}.case.json</c>.</summary>
    public const string Sidecar = "sidecar";

    /// <summary>The barcode on the slide's label image.</summary>
    public const string LabelBarcode = "label-barcode";

    /// <summary>Properties the scanner wrote into the file (aperio.Barcode...).</summary>
    public const string Properties = "properties";

    /// <summary>The file name, through EdgeRuntime:Cases:FileNamePattern.</summary>
    public const string FileName = "file-name";

    /// <summary>Every source, in the default order: what the LIS wrote, what is printed on the glass, what the scanner recorded, the name.</summary>
    public static IReadOnlyList<string> All { get; } = [Sidecar, LabelBarcode, Properties, FileName];

    /// <summary>The suffix a sidecar's name adds to the slide's file name; the inbox never takes such a file as a slide.</summary>
    public const string SidecarSuffix = Foundation.Files.CompletenessTracker.CaseSidecarSuffix;
}

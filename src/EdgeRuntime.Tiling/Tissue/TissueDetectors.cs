namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// The tissue detectors by name: the one place a detector is made, so that every command and the service find
/// tissue the same way. A segmentation network would be added here.
/// </summary>
internal static class TissueDetectors
{
    /// <summary>CLAM-style saturation thresholding for brightfield (H&amp;E, IHC) slides: the default.</summary>
    public const string Saturation = "saturation";

    /// <summary>Everything is tissue: for inputs already cropped to tissue, or stains that thresholding misreads.</summary>
    public const string None = "none";

    /// <summary>The names configuration accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [Saturation, None];

    /// <summary>The detector <paramref name="options"/> name.</summary>
    /// <exception cref="ArgumentException">The name is unknown, or the options are invalid; the message names the key.</exception>
    public static ITissueDetector Create(TissueDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Detector switch
        {
            Saturation => new SaturationTissueDetector(options),
            None => new WholeSlideTissue(),
            _ => throw new ArgumentException($"{TissueDetectionOptions.Section}:{nameof(TissueDetectionOptions.Detector)} '{options.Detector}' is not one of {string.Join(", ", Names)}.", nameof(options)),
        };
    }
}

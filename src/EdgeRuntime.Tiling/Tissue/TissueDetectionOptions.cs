using System.Globalization;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// Tissue detection on a low-resolution view of the slide. Bound from <c>EdgeRuntime:Tissue</c>.
/// Defaults follow CLAM's saturation/Otsu segmentation; docs/tissue-detection.md says why each was chosen.
/// </summary>
public sealed class TissueDetectionOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Tissue";

    /// <summary>
    /// The detector, by name: <c>saturation</c> (the default; CLAM-style, for brightfield stains) or <c>none</c>
    /// (everything is tissue). The settings below belong to <c>saturation</c>.
    /// </summary>
    public string Detector { get; set; } = TissueDetectors.Saturation;

    /// <summary>Level-0 pixels per mask pixel. Default 32, CLAM's usual segmentation level.</summary>
    public double MaskDownsample { get; set; } = 32;

    /// <summary>
    /// Smallest long side of the mask in pixels. Default 512. On small slides the downsample is lowered so
    /// that the mask still resolves tissue.
    /// </summary>
    public int MinimumMaskLongSide { get; set; } = 512;

    /// <summary>
    /// Most pixels the mask may be made from (the level nearest the mask's scale). Default 1,073,741,824 (1 Gpx,
    /// 32768²: tens of seconds of decoding). A slide that would need more is refused with this key named.
    /// </summary>
    public long MaxSourcePixels { get; set; } = 1L << 30;

    /// <summary>Side of the median filter applied to saturation, in mask pixels; odd. Default 7 (CLAM's <c>mthresh</c>).</summary>
    public int MedianKernelSize { get; set; } = 7;

    /// <summary>
    /// Floor under the Otsu threshold on saturation (0–255). Default 10. On a slide that is nearly all glass,
    /// Otsu splits the glass's noise; the floor keeps glass (saturation 0–8 on scanners seen) out of the mask.
    /// </summary>
    public int MinimumSaturation { get; set; } = 10;

    /// <summary>
    /// Ceiling over the Otsu threshold on saturation (0–255). Default 30. Where strongly stained tissue
    /// dominates, Otsu splits it from faintly stained tissue (fat, loose stroma, haematoxylin-only areas)
    /// rather than from glass; the ceiling keeps the faint tissue.
    /// </summary>
    public int MaximumSaturation { get; set; } = 30;

    /// <summary>Pixels darker than this value (HSV V, 0–255) are not tissue: black scanner borders, black ink. Default 40.</summary>
    public int DarkValueThreshold { get; set; } = 40;

    /// <summary>
    /// Hue range, in degrees, of pen marks excluded from tissue. Default 90–180 (green and cyan markers),
    /// hues that neither H&amp;E nor DAB and haematoxylin take. Blue pens are not excluded by default:
    /// haematoxylin counterstain is blue too. Set both to 0 to turn the filter off.
    /// </summary>
    public double PenHueMinDegrees { get; set; } = 90;

    /// <summary>Upper end of the pen hue range, in degrees. Default 180.</summary>
    public double PenHueMaxDegrees { get; set; } = 180;

    /// <summary>Saturation (0–255) above which a pixel in the pen hue range counts as ink. Default 40.</summary>
    public int PenMinSaturation { get; set; } = 40;

    /// <summary>Radius of the morphological closing that joins tissue fragments, in µm. Default 16 µm.</summary>
    public double CloseRadiusMicrons { get; set; } = 16;

    /// <summary>Tissue pieces smaller than this are dropped as specks (dust, debris), in µm². Default 20,000 (0.02 mm²).</summary>
    public double MinTissueAreaSquareMicrons { get; set; } = 20_000;

    /// <summary>Holes inside tissue smaller than this are filled, in µm². Default 10,000 (0.01 mm²); larger ones (lumens) stay.</summary>
    public double MaxHoleAreaSquareMicrons { get; set; } = 10_000;

    /// <summary>
    /// A slide with fewer tissue tiles than this (after <c>EdgeRuntime:Tiling:MinTissueFraction</c>) is reported as
    /// <c>no-tissue</c>: no task runs on it, so it gets no tags, classes or areas. Default 1.
    /// </summary>
    public int MinSlideTiles { get; set; } = 1;

    /// <summary>
    /// What to do with a slide that is not brightfield (a fluorescence scan: see <see cref="DarkBackgroundShare"/>):
    /// <c>skip</c> (the default) reports it as <c>not-brightfield</c> with the reason and runs no task, since prompt
    /// sets for stained tissue describe nothing in it; <c>flag</c> runs the tasks and marks the result
    /// (<c>tissue.brightfield</c> false, with the evidence).
    /// </summary>
    public string NonBrightfield { get; set; } = NonBrightfieldSkip;

    /// <summary>
    /// A slide whose thumbnail is at least this share dark (brightest channel below 60 of 255) is not brightfield: a
    /// fluorescence scan's background is dark, brightfield glass is bright. Default 0.5; 1 turns the test off (the
    /// vendor's excitation wavelength still counts).
    /// </summary>
    public double DarkBackgroundShare { get; set; } = 0.5;

    /// <summary>The <see cref="NonBrightfield"/> value that skips the tasks.</summary>
    public const string NonBrightfieldSkip = "skip";

    /// <summary>The <see cref="NonBrightfield"/> value that runs the tasks and marks the result.</summary>
    public const string NonBrightfieldFlag = "flag";

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (!TissueDetectors.Names.Contains(Detector))
        {
            yield return $"{Section}:{nameof(Detector)} '{Detector}' is not one of {string.Join(", ", TissueDetectors.Names)}.";
        }

        string Key(string name) => $"{Section}:{name}";
        string V(double v) => v.ToString(CultureInfo.InvariantCulture);
        if (!(MaskDownsample >= 1))
        {
            yield return $"{Key(nameof(MaskDownsample))} must be at least 1 (is {V(MaskDownsample)}).";
        }

        if (MaxSourcePixels < 1L << 20)
        {
            yield return $"{Key(nameof(MaxSourcePixels))} must be at least 1048576 (is {MaxSourcePixels}).";
        }

        if (MinimumMaskLongSide < 16)
        {
            yield return $"{Key(nameof(MinimumMaskLongSide))} must be at least 16 pixels (is {MinimumMaskLongSide}).";
        }

        if (MedianKernelSize < 1 || MedianKernelSize % 2 == 0)
        {
            yield return $"{Key(nameof(MedianKernelSize))} must be a positive odd number (is {MedianKernelSize}).";
        }

        foreach (var (name, value) in new[] { (nameof(MinimumSaturation), MinimumSaturation), (nameof(MaximumSaturation), MaximumSaturation), (nameof(DarkValueThreshold), DarkValueThreshold), (nameof(PenMinSaturation), PenMinSaturation) })
        {
            if (value is < 0 or > 255)
            {
                yield return $"{Key(name)} must be between 0 and 255 (is {value}).";
            }
        }

        // Compared only when both are in range, so that one bad value gives one error.
        if (MinimumSaturation is >= 0 and <= 255 && MaximumSaturation is >= 0 and <= 255 && MaximumSaturation < MinimumSaturation)
        {
            yield return $"{Key(nameof(MaximumSaturation))} must be at least {nameof(MinimumSaturation)} ({MinimumSaturation}) (is {MaximumSaturation}).";
        }

        if (PenHueMinDegrees < 0 || PenHueMaxDegrees > 360 || PenHueMinDegrees > PenHueMaxDegrees)
        {
            yield return $"{Key(nameof(PenHueMinDegrees))} and {nameof(PenHueMaxDegrees)} must satisfy 0 ≤ min ≤ max ≤ 360 (are {V(PenHueMinDegrees)} and {V(PenHueMaxDegrees)}).";
        }

        if (MinSlideTiles < 1)
        {
            yield return $"{Key(nameof(MinSlideTiles))} must be at least 1 (is {MinSlideTiles}).";
        }

        if (NonBrightfield is not (NonBrightfieldSkip or NonBrightfieldFlag))
        {
            yield return $"{Key(nameof(NonBrightfield))} '{NonBrightfield}' is not one of {NonBrightfieldSkip}, {NonBrightfieldFlag}.";
        }

        if (!(DarkBackgroundShare > 0 && DarkBackgroundShare <= 1))
        {
            yield return $"{Key(nameof(DarkBackgroundShare))} must be more than 0 and at most 1 (is {V(DarkBackgroundShare)}).";
        }

        foreach (var (name, value) in new[] { (nameof(CloseRadiusMicrons), CloseRadiusMicrons), (nameof(MinTissueAreaSquareMicrons), MinTissueAreaSquareMicrons), (nameof(MaxHoleAreaSquareMicrons), MaxHoleAreaSquareMicrons) })
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                yield return $"{Key(name)} must be zero or a positive number (is {V(value)}).";
            }
        }
    }
}

namespace EdgeRuntime.Slides;

/// <summary>How slides and images are opened. Bound from <c>EdgeRuntime:Slides</c>.</summary>
public sealed class SlideReadingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Slides";

    /// <summary>µm/px used when the file says nothing usable. Default 0.5 (a 20× scan).</summary>
    public double DefaultMicronsPerPixel { get; set; } = 0.5;

    /// <summary>Smallest µm/px believed from metadata. Default 0.05: finer than any optical scanner.</summary>
    public double MinimumPlausibleMicronsPerPixel { get; set; } = 0.05;

    /// <summary>
    /// Largest µm/px believed from metadata. Default 20 (a 0.5× overview). Image editors write 72 or 96 dpi
    /// (≈ 350 or 265 µm/px) into files that were never calibrated; such values are ignored.
    /// </summary>
    public double MaximumPlausibleMicronsPerPixel { get; set; } = 20;

    /// <summary>
    /// Largest plain image (PNG, JPEG, untiled TIFF) decoded whole into memory, in pixels. Default 64 M px
    /// (192 MB of RGB). Larger scans belong in a tiled pyramidal format that OpenSlide reads piece by piece.
    /// </summary>
    public long MaxPlainImagePixels { get; set; } = 64L * 1024 * 1024;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(MinimumPlausibleMicronsPerPixel > 0))
        {
            yield return $"{Section}:{nameof(MinimumPlausibleMicronsPerPixel)} must be greater than 0 (is {MinimumPlausibleMicronsPerPixel}).";
        }

        if (!(MaximumPlausibleMicronsPerPixel > MinimumPlausibleMicronsPerPixel))
        {
            yield return $"{Section}:{nameof(MaximumPlausibleMicronsPerPixel)} must be greater than {nameof(MinimumPlausibleMicronsPerPixel)} (is {MaximumPlausibleMicronsPerPixel}).";
        }

        if (!(DefaultMicronsPerPixel > 0) || double.IsInfinity(DefaultMicronsPerPixel))
        {
            yield return $"{Section}:{nameof(DefaultMicronsPerPixel)} must be a positive number of µm/px (is {DefaultMicronsPerPixel}).";
        }

        if (MaxPlainImagePixels <= 0)
        {
            yield return $"{Section}:{nameof(MaxPlainImagePixels)} must be greater than 0 (is {MaxPlainImagePixels}).";
        }
    }
}

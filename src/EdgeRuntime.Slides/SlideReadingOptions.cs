using System.Globalization;

namespace EdgeRuntime.Slides;

/// <summary>How slides and images are opened. Bound from <c>EdgeRuntime:Slides</c>.</summary>
public sealed class SlideReadingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Slides";

    /// <summary>µm/px used when the file says nothing usable, within the plausible range. Default 0.5 (a 20× scan).</summary>
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

    /// <summary>The values <see cref="Reader"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Readers = [AutoReader, OpenSlideReader, DirectJpegReader];

    /// <summary><see cref="Reader"/>: direct JPEG where a slide allows it, at the DCT scales measured safe; OpenSlide otherwise.</summary>
    public const string AutoReader = "auto";

    /// <summary><see cref="Reader"/>: OpenSlide for every slide.</summary>
    public const string OpenSlideReader = "openslide";

    /// <summary><see cref="Reader"/>: direct JPEG where a slide allows it, decoding at every DCT scale the model's resolution allows.</summary>
    public const string DirectJpegReader = "direct-jpeg";

    /// <summary>
    /// Who decodes whole-slide pixels. <c>auto</c> (default): Aperio SVS and generic tiled TIFF slides whose tiles
    /// are JPEG are decoded directly with libjpeg-turbo, everything else (and any slide or tile the direct path
    /// cannot read) by OpenSlide. <c>openslide</c>: always OpenSlide. <c>direct-jpeg</c>: as auto, and also
    /// decodes at 1/2, 1/4 or 1/8 scale where that reaches the model's resolution (docs/performance.md says what
    /// that changes).
    /// </summary>
    public string Reader { get; set; } = AutoReader;

    /// <summary>
    /// Memory for decoded JPEG tiles kept per open slide by the direct reader, in MiB (default 64: a few rows of
    /// tiles of a wide slide, so overlapping model tiles decode each JPEG tile once). 0 keeps none. The buffers of
    /// a closed slide's tiles are kept, up to this much once more for the process, for the next slides' decodes
    /// (fresh memory costs page faults on the decoder's first writes).
    /// </summary>
    public int DecodedTileCacheMegabytes { get; set; } = 64;

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

        // What is assumed for a file that says nothing must be what would be believed had the file said it.
        if (!(DefaultMicronsPerPixel >= MinimumPlausibleMicronsPerPixel && DefaultMicronsPerPixel <= MaximumPlausibleMicronsPerPixel))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{Section}:{nameof(DefaultMicronsPerPixel)} must be between {MinimumPlausibleMicronsPerPixel} and {MaximumPlausibleMicronsPerPixel} µm/px ({nameof(MinimumPlausibleMicronsPerPixel)} to {nameof(MaximumPlausibleMicronsPerPixel)}) (is {DefaultMicronsPerPixel}).");
        }

        if (!Readers.Contains(Reader))
        {
            yield return $"{Section}:{nameof(Reader)} must be one of {string.Join(", ", Readers)} (is '{Reader}').";
        }

        if (DecodedTileCacheMegabytes is < 0 or > 4096)
        {
            yield return $"{Section}:{nameof(DecodedTileCacheMegabytes)} must be 0 to 4096 MiB (is {DecodedTileCacheMegabytes}).";
        }

        if (MaxPlainImagePixels <= 0)
        {
            yield return $"{Section}:{nameof(MaxPlainImagePixels)} must be greater than 0 (is {MaxPlainImagePixels}).";
        }
    }
}

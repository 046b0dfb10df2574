using System.Globalization;
using EdgeRuntime.Abstractions.Slides;

namespace EdgeRuntime.Slides.Resolution;

/// <summary>
/// Decides a slide's µm/px from its properties, trying sources from the most to the least trustworthy:
/// the scanner's calibration, the objective power, TIFF resolution tags, image density metadata, and
/// finally the configured default. The result always names the source used.
/// </summary>
public sealed class ResolutionResolver(SlideReadingOptions options)
{
    /// <summary>OpenSlide's normalised calibration keys.</summary>
    public const string MppXProperty = "openslide.mpp-x";

    /// <summary>OpenSlide's normalised calibration keys.</summary>
    public const string MppYProperty = "openslide.mpp-y";

    /// <summary>OpenSlide's normalised objective power key.</summary>
    public const string ObjectivePowerProperty = "openslide.objective-power";

    /// <summary>TIFF tag properties, as OpenSlide names them (plain TIFF files use the same names).</summary>
    public const string TiffXResolutionProperty = "tiff.XResolution";

    /// <summary>TIFF tag properties, as OpenSlide names them.</summary>
    public const string TiffYResolutionProperty = "tiff.YResolution";

    /// <summary>TIFF unit: <c>inch</c>, <c>centimeter</c> or <c>none</c>.</summary>
    public const string TiffResolutionUnitProperty = "tiff.ResolutionUnit";

    /// <summary>PNG pHYs density in pixels per metre, when its unit is the metre.</summary>
    public const string PngPixelsPerMetreXProperty = "png.pHYs.PixelsPerMetreX";

    /// <summary>PNG pHYs density in pixels per metre, when its unit is the metre.</summary>
    public const string PngPixelsPerMetreYProperty = "png.pHYs.PixelsPerMetreY";

    // A 1× objective images about 10 µm per pixel on the sensors scanners use; µm/px scales as 1/power.
    private const double MicronsPerPixelAtOneX = 10.0;

    /// <summary>Resolves the resolution; never fails, falling back to the configured default.</summary>
    public SlideResolution Resolve(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (TryNumber(properties, MppXProperty, out var mppX) && TryNumber(properties, MppYProperty, out var mppY)
            && Plausible(mppX) && Plausible(mppY))
        {
            return new SlideResolution(mppX, mppY, ResolutionSource.SlideProperty);
        }

        if (TryNumber(properties, ObjectivePowerProperty, out var power) && power > 0 && Plausible(MicronsPerPixelAtOneX / power))
        {
            var mpp = MicronsPerPixelAtOneX / power;
            return new SlideResolution(mpp, mpp, ResolutionSource.ObjectivePower);
        }

        if (TryTiff(properties, out var tiffX, out var tiffY))
        {
            return new SlideResolution(tiffX, tiffY, ResolutionSource.TiffResolutionTags);
        }

        if (TryNumber(properties, PngPixelsPerMetreXProperty, out var pxPerMetreX) && TryNumber(properties, PngPixelsPerMetreYProperty, out var pxPerMetreY)
            && pxPerMetreX > 0 && pxPerMetreY > 0 && Plausible(1e6 / pxPerMetreX) && Plausible(1e6 / pxPerMetreY))
        {
            return new SlideResolution(1e6 / pxPerMetreX, 1e6 / pxPerMetreY, ResolutionSource.ImageMetadata);
        }

        return new SlideResolution(options.DefaultMicronsPerPixel, options.DefaultMicronsPerPixel, ResolutionSource.ConfiguredDefault);
    }

    private bool TryTiff(IReadOnlyDictionary<string, string> properties, out double x, out double y)
    {
        x = y = 0;
        if (!properties.TryGetValue(TiffResolutionUnitProperty, out var unit)
            || !TryNumber(properties, TiffXResolutionProperty, out var resX) || !TryNumber(properties, TiffYResolutionProperty, out var resY)
            || resX <= 0 || resY <= 0)
        {
            return false;
        }

        double micronsPerUnit = unit.Trim().ToLowerInvariant() switch
        {
            "inch" or "2" => 25_400,
            "centimeter" or "centimetre" or "3" => 10_000,
            _ => 0,
        };
        if (micronsPerUnit == 0)
        {
            return false;
        }

        x = micronsPerUnit / resX;
        y = micronsPerUnit / resY;
        return Plausible(x) && Plausible(y);
    }

    private bool Plausible(double mpp) =>
        double.IsFinite(mpp) && mpp >= options.MinimumPlausibleMicronsPerPixel && mpp <= options.MaximumPlausibleMicronsPerPixel;

    private static bool TryNumber(IReadOnlyDictionary<string, string> properties, string key, out double value)
    {
        value = 0;
        return properties.TryGetValue(key, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }
}

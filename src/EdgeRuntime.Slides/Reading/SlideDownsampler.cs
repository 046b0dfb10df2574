using System.Buffers;
using EdgeRuntime.Slides.Pixels;

namespace EdgeRuntime.Slides.Reading;

/// <summary>
/// Reads a whole slide at low resolution (for the tissue mask and for thumbnails), from the pyramid level
/// nearest the wanted size, in horizontal strips so that memory stays bounded even when a slide has no
/// low-resolution level and level 0 must be read.
/// </summary>
public static class SlideDownsampler
{
    // Bytes of level pixels read per strip (ARGB scratch plus RGB). Bounds memory; not a tuning knob.
    private const long StripBudgetBytes = 32L * 1024 * 1024;

    /// <summary>Reads the slide scaled to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static RgbImage Read(ISlide slide, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var info = slide.Info;
        var downsampleX = (double)info.Width / width;
        var downsampleY = (double)info.Height / height;
        var levelIndex = slide.GetBestLevelForDownsample(Math.Min(downsampleX, downsampleY));
        var level = info.Levels[levelIndex];
        var levelDownsampleY = (double)info.Height / level.Height;
        var levelWidth = checked((int)level.Width);

        var output = new RgbImage(width, height);
        var rowsPerStrip = (int)Math.Clamp(StripBudgetBytes / (levelWidth * 7L) / Math.Max(1.0, downsampleY / levelDownsampleY), 1, height);
        var buffer = ArrayPool<byte>.Shared.Rent(0);
        try
        {
            for (var r0 = 0; r0 < height; r0 += rowsPerStrip)
            {
                var r1 = Math.Min(height, r0 + rowsPerStrip);
                var y0 = (long)Math.Floor(r0 * downsampleY / levelDownsampleY);
                var y1 = Math.Min(level.Height, (long)Math.Ceiling(r1 * downsampleY / levelDownsampleY));
                var rows = (int)Math.Max(1, y1 - y0);
                var needed = levelWidth * rows * 3;
                if (buffer.Length < needed)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                }

                slide.ReadRegion(levelIndex, 0, (long)Math.Round(y0 * levelDownsampleY), levelWidth, rows, buffer);
                var resizer = new PillowResizer(levelWidth, rows, width, r1 - r0, ResampleFilter.Bilinear);
                resizer.Resize(buffer.AsSpan(0, needed), output.Span.Slice(r0 * output.Stride, (r1 - r0) * output.Stride));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return output;
    }

    /// <summary>
    /// How many pixels of which level <see cref="Read"/> would decode for this size: a slide without a low-resolution
    /// level (or one that declares absurd dimensions) makes that level 0, all of it.
    /// </summary>
    public static (int Level, long Pixels) SourceOf(ISlide slide, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(slide);
        var info = slide.Info;
        var levelIndex = slide.GetBestLevelForDownsample(Math.Min((double)info.Width / width, (double)info.Height / height));
        var level = info.Levels[levelIndex];
        return (levelIndex, level.Width * level.Height);
    }

    /// <summary>The size of the slide scaled so that its longer side is <paramref name="longSide"/> pixels.</summary>
    public static (int Width, int Height) FitLongSide(long slideWidth, long slideHeight, int longSide)
    {
        var scale = (double)longSide / Math.Max(slideWidth, slideHeight);
        return (Math.Max(1, (int)Math.Round(slideWidth * scale)), Math.Max(1, (int)Math.Round(slideHeight * scale)));
    }
}

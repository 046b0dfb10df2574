using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Slides.Images;

/// <summary>
/// A PNG, JPEG or untiled TIFF seen as a one-level slide, so that a single tile or a photographed field
/// goes through the same code as a whole-slide image. The image is decoded whole: these are small files.
/// </summary>
internal sealed class PlainImageSlide : ISlide
{
    private readonly RgbImage image;

    internal PlainImageSlide(SlideInfo info, RgbImage image)
    {
        Info = info;
        this.image = image;
    }

    /// <inheritdoc />
    public SlideInfo Info { get; }

    /// <inheritdoc />
    public void ReadRegion(int level, long x, long y, int width, int height, Span<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(level, 0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var rowBytes = width * 3;
        if (rgb.Length < rowBytes * height)
        {
            throw new ArgumentException($"Destination holds {rgb.Length} bytes; {rowBytes * height} needed.", nameof(rgb));
        }

        rgb[..(rowBytes * height)].Fill(255);
        var x0 = Math.Max(x, 0);
        var x1 = Math.Min(x + width, image.Width);
        if (x1 <= x0)
        {
            return;
        }

        var source = image.Span;
        for (var row = 0; row < height; row++)
        {
            var sy = y + row;
            if (sy < 0 || sy >= image.Height)
            {
                continue;
            }

            var count = (int)(x1 - x0) * 3;
            source.Slice((int)((sy * image.Width) + x0) * 3, count)
                .CopyTo(rgb.Slice((row * rowBytes) + ((int)(x0 - x) * 3), count));
        }
    }

    /// <inheritdoc />
    public int GetBestLevelForDownsample(double downsample) => 0;

    /// <inheritdoc />
    public RgbImage ReadAssociatedImage(string name) =>
        throw new KeyNotFoundException($"{Info.FilePath}: a plain image has no associated image '{name}'.");

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing native is held: the pixels are managed memory.
    }
}

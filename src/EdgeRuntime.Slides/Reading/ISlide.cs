using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.Pixels;

namespace EdgeRuntime.Slides.Reading;

/// <summary>
/// An open slide or image. Reads are safe from several threads at once; disposal must wait until they end.
/// Readers stay dumb: no tiling, tissue or resolution policy here, only pixels and metadata.
/// </summary>
public interface ISlide : IDisposable
{
    /// <summary>Levels, properties and resolution.</summary>
    SlideInfo Info { get; }

    /// <summary>
    /// Reads <paramref name="width"/> × <paramref name="height"/> pixels of <paramref name="level"/> whose top-left
    /// corner is (<paramref name="x"/>, <paramref name="y"/>) in level-0 coordinates, as interleaved 8-bit RGB into
    /// <paramref name="rgb"/> (at least width × height × 3 bytes). Areas outside the slide, and transparent
    /// areas, read as white, as on a glass slide under the scanner's light.
    /// </summary>
    /// <exception cref="SlideReadException">The file's pixels could not be decoded; the message names the file.</exception>
    void ReadRegion(int level, long x, long y, int width, int height, Span<byte> rgb);

    /// <summary>The level to read from for a wanted <paramref name="downsample"/>: the most downsampled level that is not coarser than asked.</summary>
    int GetBestLevelForDownsample(double downsample);

    /// <summary>Reads an associated image (label, macro, thumbnail) by name.</summary>
    /// <exception cref="KeyNotFoundException">The slide has no associated image of that name.</exception>
    RgbImage ReadAssociatedImage(string name);
}

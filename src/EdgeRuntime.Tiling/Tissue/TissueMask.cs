using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// Where the tissue is: a binary image over the whole slide at low resolution. Kept after tiling, for
/// results and pictures. Answers "how much of this level-0 box is tissue".
/// </summary>
public sealed class TissueMask
{
    /// <summary>Creates a mask over a slide of <paramref name="slideWidth"/> × <paramref name="slideHeight"/> level-0 pixels.</summary>
    public TissueMask(int width, int height, long slideWidth, long slideHeight, byte[] bits, int saturationThreshold)
    {
        ArgumentNullException.ThrowIfNull(bits);
        if (bits.Length != width * height)
        {
            throw new ArgumentException($"A {width}x{height} mask needs {width * height} values, got {bits.Length}.", nameof(bits));
        }

        Width = width;
        Height = height;
        Bits = bits;
        DownsampleX = (double)slideWidth / width;
        DownsampleY = (double)slideHeight / height;
        SaturationThreshold = saturationThreshold;

        var tissue = bits.Count(b => b != 0);
        TissueFraction = (double)tissue / (width * height);
    }

    /// <summary>Mask width in pixels.</summary>
    public int Width { get; }

    /// <summary>Mask height in pixels.</summary>
    public int Height { get; }

    /// <summary>One byte per mask pixel, row by row: 1 where there is tissue, 0 elsewhere.</summary>
    public byte[] Bits { get; }

    /// <summary>Level-0 pixels per mask pixel, horizontally.</summary>
    public double DownsampleX { get; }

    /// <summary>Level-0 pixels per mask pixel, vertically.</summary>
    public double DownsampleY { get; }

    /// <summary>The saturation threshold (0–255) the detector settled on, after its floor.</summary>
    public int SaturationThreshold { get; }

    /// <summary>Share of the slide's area that is tissue, 0 to 1.</summary>
    public double TissueFraction { get; }

    /// <summary>Whether mask pixel (<paramref name="x"/>, <paramref name="y"/>) is tissue.</summary>
    public bool this[int x, int y] => Bits[(y * Width) + x] != 0;

    /// <summary>
    /// Share of <paramref name="box"/> covered by tissue, 0 to 1. Parts of the box outside the slide count as
    /// glass. Mask pixels partly inside the box count in proportion to their overlap.
    /// </summary>
    public double FractionOf(TileBox box)
    {
        var fx0 = box.X / DownsampleX;
        var fx1 = (box.X + box.Width) / DownsampleX;
        var fy0 = box.Y / DownsampleY;
        var fy1 = (box.Y + box.Height) / DownsampleY;
        var area = (fx1 - fx0) * (fy1 - fy0);
        if (area <= 0)
        {
            return 0;
        }

        // Each mask pixel counts by the area it shares with the box, so that a tile smaller than a mask
        // pixel, or not aligned with them, still gets its true share. A tile spans a handful of mask pixels.
        double covered = 0;
        for (var y = Math.Max(0, (int)Math.Floor(fy0)); y < Math.Min(Height, (int)Math.Ceiling(fy1)); y++)
        {
            var overlapY = Math.Min(fy1, y + 1) - Math.Max(fy0, y);
            for (var x = Math.Max(0, (int)Math.Floor(fx0)); x < Math.Min(Width, (int)Math.Ceiling(fx1)); x++)
            {
                if (Bits[(y * Width) + x] != 0)
                {
                    covered += overlapY * (Math.Min(fx1, x + 1) - Math.Max(fx0, x));
                }
            }
        }

        return Math.Clamp(covered / area, 0, 1);
    }
}

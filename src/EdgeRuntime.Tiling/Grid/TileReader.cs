using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Grid;

/// <summary>
/// Reads the tiles of a grid at the model's resolution: each from the best pyramid level, resized to the tile
/// size with Pillow's bicubic (with its antialiasing), as CLIP-style models saw their training data. Where the
/// slide can decode a level DCT-scaled (<see cref="IScaledRegionReader"/>) and the tile needs at least half the
/// level's pixels fewer, it reads at the largest 1/2, 1/4 or 1/8 that is not smaller than the tile, and resizes
/// from there.
/// Holds its read buffer and resizer, so that reading tile after tile allocates nothing. Not thread-safe:
/// give each reading thread its own; the slide underneath is shared safely.
/// </summary>
public sealed class TileReader
{
    private readonly ISlide slide;
    private readonly int tileSize;
    private readonly int readWidth;
    private readonly int readHeight;
    private readonly byte[] readBuffer;
    private readonly PillowResizer? resizer;
    private readonly IScaledRegionReader? scaledReader;

    /// <summary>Prepares to read the tiles of <paramref name="grid"/> from <paramref name="slide"/>.</summary>
    public TileReader(ISlide slide, TileGrid grid)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(grid);
        this.slide = slide;
        tileSize = grid.TileSize;
        Level = LevelFor(slide, grid);
        LevelDownsample = slide.Info.Levels[Level].Downsample;
        readWidth = Math.Max(1, (int)Math.Round(Math.Round(grid.TileWidthLevel0) / LevelDownsample));
        readHeight = Math.Max(1, (int)Math.Round(Math.Round(grid.TileHeightLevel0) / LevelDownsample));
        var most = 1;
        while (most < 8 && readWidth / (most * 2) >= tileSize && readHeight / (most * 2) >= tileSize)
        {
            most *= 2;
        }

        if (most > 1 && slide is IScaledRegionReader scaled && scaled.ScaleDenominatorFor(Level, most) is > 1 and var denominator)
        {
            scaledReader = scaled;
            ScaleDenominator = denominator;
            readWidth /= denominator;
            readHeight /= denominator;
        }
        readBuffer = new byte[readWidth * readHeight * 3];
        resizer = readWidth == tileSize && readHeight == tileSize
            ? null
            : new PillowResizer(readWidth, readHeight, tileSize, tileSize, ResampleFilter.Bicubic);
    }

    /// <summary>The pyramid level tiles are read from.</summary>
    public int Level { get; }

    /// <summary>The pyramid level the tiles of <paramref name="grid"/> are read from: the best for their downsample.</summary>
    public static int LevelFor(ISlide slide, TileGrid grid)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(grid);
        return slide.GetBestLevelForDownsample(Math.Min(grid.TileWidthLevel0, grid.TileHeightLevel0) / grid.TileSize);
    }

    /// <summary>The DCT scale tiles are decoded at: 1 (full), 2, 4 or 8.</summary>
    public int ScaleDenominator { get; } = 1;

    /// <summary>That level's downsample.</summary>
    public double LevelDownsample { get; }

    /// <summary>Reads <paramref name="tile"/> as <c>TileSize × TileSize</c> RGB into <paramref name="destination"/>.</summary>
    /// <exception cref="EdgeRuntime.Slides.SlideReadException">The slide's pixels could not be read.</exception>
    public void Read(TileRef tile, Span<byte> destination)
    {
        if (scaledReader is not null)
        {
            var target = resizer is null ? destination : readBuffer;
            scaledReader.ReadRegionScaled(Level, tile.Box.X, tile.Box.Y, readWidth, readHeight, ScaleDenominator, target);
            resizer?.Resize(readBuffer, destination);
            return;
        }

        if (resizer is null)
        {
            slide.ReadRegion(Level, tile.Box.X, tile.Box.Y, tileSize, tileSize, destination);
            return;
        }

        slide.ReadRegion(Level, tile.Box.X, tile.Box.Y, readWidth, readHeight, readBuffer);
        resizer.Resize(readBuffer, destination);
    }
}

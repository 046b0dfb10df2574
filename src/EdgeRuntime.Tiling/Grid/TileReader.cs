using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Tiling.Grid;

/// <summary>
/// Reads the tiles of a grid at the model's resolution: each from the best pyramid level, resized to the tile
/// size with Pillow's bicubic (with its antialiasing), as CLIP-style models saw their training data.
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

    /// <summary>That level's downsample.</summary>
    public double LevelDownsample { get; }

    /// <summary>Reads <paramref name="tile"/> as <c>TileSize × TileSize</c> RGB into <paramref name="destination"/>.</summary>
    /// <exception cref="EdgeRuntime.Slides.SlideReadException">The slide's pixels could not be read.</exception>
    public void Read(TileRef tile, Span<byte> destination)
    {
        if (resizer is null)
        {
            slide.ReadRegion(Level, tile.Box.X, tile.Box.Y, tileSize, tileSize, destination);
            return;
        }

        slide.ReadRegion(Level, tile.Box.X, tile.Box.Y, readWidth, readHeight, readBuffer);
        resizer.Resize(readBuffer, destination);
    }
}

using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.Tiling.Grid;

/// <summary>The tiles of one slide at the target resolution: every grid position, and the ones kept as tissue.</summary>
public sealed class TileGrid
{
    internal TileGrid(int columns, int rows, double tileWidthLevel0, double tileHeightLevel0, TilingOptions options, IReadOnlyList<TileRef> tiles)
    {
        Columns = columns;
        Rows = rows;
        TileWidthLevel0 = tileWidthLevel0;
        TileHeightLevel0 = tileHeightLevel0;
        TileSize = options.TileSize;
        TargetMicronsPerPixel = options.TargetMicronsPerPixel;
        Overlap = options.Overlap;
        MinTissueFraction = options.MinTissueFraction;
        Tiles = tiles;
    }

    /// <summary>Grid columns, kept or not.</summary>
    public int Columns { get; }

    /// <summary>Grid rows, kept or not.</summary>
    public int Rows { get; }

    /// <summary>A tile's width in level-0 pixels (before rounding to a box).</summary>
    public double TileWidthLevel0 { get; }

    /// <summary>A tile's height in level-0 pixels (before rounding to a box).</summary>
    public double TileHeightLevel0 { get; }

    /// <summary>Side of a tile in pixels as the model receives it.</summary>
    public int TileSize { get; }

    /// <summary>µm/px of the tiles as the model receives them.</summary>
    public double TargetMicronsPerPixel { get; }

    /// <summary>Overlap between neighbours in target pixels.</summary>
    public int Overlap { get; }

    /// <summary>The tissue share a tile needed to be kept.</summary>
    public double MinTissueFraction { get; }

    /// <summary>The kept tiles, row by row, numbered from 0.</summary>
    public IReadOnlyList<TileRef> Tiles { get; }

    /// <summary>Grid positions in all.</summary>
    public int Candidates => Columns * Rows;
}

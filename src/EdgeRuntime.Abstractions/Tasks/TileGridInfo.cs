namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>The slide's tile grid, as far as a task needs it.</summary>
/// <param name="Count">Tiles kept (with tissue); tile indices run from 0 to <c>Count - 1</c>.</param>
/// <param name="TileSize">Tile side in pixels, as the model sees it.</param>
/// <param name="TileSizeLevel0">Tile width in level-0 pixels (its height too where pixels are square; see <see cref="TileHeightLevel0"/>).</param>
/// <param name="Level">Pyramid level the tiles are read from.</param>
/// <param name="MicronsPerPixel">µm per pixel of the tiles as the model sees them.</param>
public sealed record TileGridInfo(int Count, int TileSize, long TileSizeLevel0, int Level, double MicronsPerPixel)
{
    /// <summary>Grid columns, kept or not: a tile's <c>Column</c> is below it (added in 2.1; 0 from an older host).</summary>
    public int Columns { get; init; }

    /// <summary>Grid rows, kept or not (added in 2.1).</summary>
    public int Rows { get; init; }

    /// <summary>Tile height in level-0 pixels: differs from the width where a scanner's pixels are not square (added in 2.1).</summary>
    public long TileHeightLevel0 { get; init; }

    /// <summary>
    /// Level-0 pixels from one tile's left edge to the next one's: the tile width less the overlap. Tile
    /// <c>(c, r)</c> starts at <c>(c × StrideLevel0, r × StrideYLevel0)</c>, rounded. Added in 2.1.
    /// </summary>
    public double StrideLevel0 { get; init; }

    /// <summary>Level-0 pixels from one tile's top edge to the next one's (added in 2.1).</summary>
    public double StrideYLevel0 { get; init; }

    /// <summary>Pixels neighbouring tiles share, as the model sees them (added in 2.1).</summary>
    public int Overlap { get; init; }
}

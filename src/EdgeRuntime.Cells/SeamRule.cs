namespace EdgeRuntime.Cells;

/// <summary>
/// Overlapping tiles see a nucleus on their seam more than once; each is kept once (<see cref="SeamMerge"/>): a nucleus
/// only one tile reaches is that tile's; the copies of a nucleus in an overlap are linked by their shared pixels and
/// kept by the tile that owns the centroid of their union (the tile whose centre is nearest along the columns and the
/// rows; ties: the upper-left one). On a regular grid a tile owns its central stride × stride square, half the
/// overlap from each edge, so a nucleus narrower than the overlap is whole in its owner, and the cut copy another tile
/// sees at its edge is dropped. Counts then do not depend on the grid, nor on how two tiles segment a nucleus on their
/// seam.
/// </summary>
public static class SeamRule
{
    /// <summary>The nuclei of all tiles in slide coordinates, each kept once.</summary>
    /// <param name="tiles">Every tile's nuclei and origin; the tiles' distinct origins are the grid's columns and rows.</param>
    /// <param name="tileWidth">Tile width in level-0 pixels.</param>
    /// <param name="tileHeight">Tile height in level-0 pixels.</param>
    public static List<Cell> Keep(IReadOnlyList<TileCells> tiles, int tileWidth, int tileHeight)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileHeight, 1);
        var kept = new List<Cell>();
        if (tiles.Count == 0)
        {
            return kept;
        }

        var columns = tiles.Select(t => t.OriginX).Distinct().Order().ToList();
        var rows = tiles.Select(t => t.OriginY).Distinct().Order().ToList();
        var merge = new SeamMerge(new SeamGrid([.. columns.Select(x => (double)x)], [.. rows.Select(y => (double)y)], tileWidth, tileHeight));
        foreach (var tile in tiles)
        {
            merge.Add(columns.BinarySearch(tile.OriginX), rows.BinarySearch(tile.OriginY), tile.OriginX, tile.OriginY, tile.Cells, kept);
        }

        merge.Finish(kept);
        return kept;
    }
}

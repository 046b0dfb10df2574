namespace EdgeRuntime.Cells;

/// <summary>
/// Overlapping tiles see a nucleus on their seam more than once; each is kept once, by the tile that owns its
/// centroid: of the tiles whose area holds the centroid, the one whose centre is nearest (ties: the smaller origin, y
/// then x). On a regular grid a tile owns its central stride × stride square, half the overlap from each edge, so a
/// nucleus narrower than the overlap is whole in its owner, and the cut copy another tile sees at its edge has a
/// centroid in that tile's margin, owned by a neighbour, and is dropped. Counts then do not depend on the grid.
/// </summary>
public static class SeamRule
{
    /// <summary>The nuclei of all tiles in slide coordinates, each kept once.</summary>
    /// <param name="tiles">Every tile's nuclei and origin.</param>
    /// <param name="tileWidth">Tile width in level-0 pixels.</param>
    /// <param name="tileHeight">Tile height in level-0 pixels.</param>
    public static List<Cell> Keep(IReadOnlyList<TileCells> tiles, int tileWidth, int tileHeight)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileHeight, 1);

        // Tiles bucketed by origin / size: the tiles holding a point lie in its bucket or the ones left and above.
        var buckets = new Dictionary<(long, long), List<int>>();
        for (var t = 0; t < tiles.Count; t++)
        {
            var key = (FloorDiv(tiles[t].OriginX, tileWidth), FloorDiv(tiles[t].OriginY, tileHeight));
            if (!buckets.TryGetValue(key, out var list))
            {
                buckets[key] = list = [];
            }

            list.Add(t);
        }

        var kept = new List<Cell>();
        for (var t = 0; t < tiles.Count; t++)
        {
            var tile = tiles[t];
            foreach (var cell in tile.Cells)
            {
                double gx = tile.OriginX + cell.CentroidX, gy = tile.OriginY + cell.CentroidY;
                if (Owner(tiles, buckets, gx, gy, tileWidth, tileHeight) == t)
                {
                    kept.Add(cell.Offset(tile.OriginX, tile.OriginY));
                }
            }
        }

        return kept;
    }

    private static int Owner(IReadOnlyList<TileCells> tiles, Dictionary<(long, long), List<int>> buckets, double x, double y, int w, int h)
    {
        long bx = (long)Math.Floor(x / w), by = (long)Math.Floor(y / h);
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        for (var dy = -1; dy <= 0; dy++)
        {
            for (var dx = -1; dx <= 0; dx++)
            {
                if (!buckets.TryGetValue((bx + dx, by + dy), out var list))
                {
                    continue;
                }

                foreach (var t in list)
                {
                    var tile = tiles[t];
                    if (x < tile.OriginX || y < tile.OriginY || x >= tile.OriginX + w || y >= tile.OriginY + h)
                    {
                        continue;
                    }

                    double cx = tile.OriginX + (w / 2.0) - x, cy = tile.OriginY + (h / 2.0) - y;
                    var distance = (cx * cx) + (cy * cy);
                    if (distance < bestDistance || (distance == bestDistance && Before(tile, tiles[best])))
                    {
                        (best, bestDistance) = (t, distance);
                    }
                }
            }
        }

        return best;
    }

    private static bool Before(TileCells a, TileCells b) => a.OriginY < b.OriginY || (a.OriginY == b.OriginY && a.OriginX < b.OriginX);

    private static long FloorDiv(long a, long b) => (long)Math.Floor((double)a / b);
}

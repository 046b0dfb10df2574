using EdgeRuntime.Cells;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cells.Tests;

/// <summary>
/// Tiles that segment the same nucleus slightly differently on their seam. Each tile's own "this centroid is mine"
/// would keep such a nucleus twice (or drop it twice); the seam rule decides once for all its copies. The per-tile
/// instance maps are drawn by hand as rectangles on the slide's pixels; the expected cells are worked out in the
/// comments. Tiles are 40 × 40 at x = 0 and 30 (and y = 0 and 30): centres 20 and 50, the owned halves meet at 35,
/// and [30, 40) is seen by both.
/// </summary>
public sealed class SeamMergeTests(ITestOutputHelper log)
{
    private const int Tile = 40;

    [Fact]
    public void A_nucleus_on_the_seam_whose_two_copies_each_claim_it_is_kept_once_by_the_owner_of_their_union()
    {
        // Left copy x 30..38 (centroid 34.5: left of 35, the left tile's), right copy x 32..40 (36.5: the right
        // tile's): each tile alone keeps its own. Their union x 30..40 has its centroid at 35.5, nearer 50 than 20:
        // the right tile's copy is kept, 9 × 5 = 45 px at (36.5, 12.5).
        var tiles = new List<TileCells>
        {
            TileOf(0, 0, (1, 30, 10, 38, 14)),
            TileOf(30, 0, (1, 32, 10, 40, 14)),
        };

        var kept = Assert.Single(SeamRule.Keep(tiles, Tile, Tile));
        Assert.Equal(45, kept.Area);
        Assert.Equal(36.5, kept.CentroidX, 12);
        Assert.Equal(12.5, kept.CentroidY, 12);
    }

    [Fact]
    public void A_nucleus_on_the_seam_whose_two_copies_each_give_away_is_kept_once()
    {
        // Left copy x 31..39 (centroid 35.5: the right tile's by its own count), right copy x 30..38 (34.5: the left
        // tile's): each tile alone drops its own. The union x 30..39 has its centroid at 35.0, 15 from both centres:
        // the tie goes to the left tile, whose copy (45 px at (35.5, 12.5)) is kept.
        var tiles = new List<TileCells>
        {
            TileOf(0, 0, (1, 31, 10, 39, 14)),
            TileOf(30, 0, (1, 30, 10, 38, 14)),
        };

        var kept = Assert.Single(SeamRule.Keep(tiles, Tile, Tile));
        Assert.Equal(35.5, kept.CentroidX, 12);
        Assert.Equal(12.5, kept.CentroidY, 12);
    }

    [Fact]
    public void A_nucleus_on_a_corner_of_four_tiles_is_kept_once()
    {
        // Four 9 × 9 copies, each with its centroid in its own tile's quarter: (34.5, 34.5), (36.5, 34.5),
        // (34.5, 36.5), (36.5, 36.5). Their union is the square 30..40 × 30..40, centroid (35.5, 35.5): the lower
        // right tile's, whose copy (81 px at (36.5, 36.5)) is kept.
        var tiles = new List<TileCells>
        {
            TileOf(0, 0, (1, 30, 30, 38, 38)),
            TileOf(30, 0, (1, 32, 30, 40, 38)),
            TileOf(0, 30, (1, 30, 32, 38, 40)),
            TileOf(30, 30, (1, 32, 32, 40, 40)),
        };

        var kept = Assert.Single(SeamRule.Keep(tiles, Tile, Tile));
        Assert.Equal(81, kept.Area);
        Assert.Equal(36.5, kept.CentroidX, 12);
        Assert.Equal(36.5, kept.CentroidY, 12);
    }

    [Fact]
    public void Two_distinct_nuclei_touching_across_the_seam_are_both_kept()
    {
        // The left tile sees nucleus A at x 30..34 and B at 35..39; the right tile draws the line between them a pixel
        // later: A at 30..35, B at 36..39. B's left copy shares 5 of its 25 px with A's right copy (under half):
        // two nuclei, not one. A's copies: union 30..35, centroid 33.0, the left tile's (25 px at (32.5, 12.5));
        // B's: union 35..39, centroid 37.5, the right tile's (20 px at (38.0, 12.5)).
        var tiles = new List<TileCells>
        {
            TileOf(0, 0, (1, 30, 10, 34, 14), (2, 35, 10, 39, 14)),
            TileOf(30, 0, (1, 30, 10, 35, 14), (2, 36, 10, 39, 14)),
        };

        var kept = SeamRule.Keep(tiles, Tile, Tile).OrderBy(c => c.CentroidX).ToList();
        Assert.Equal(2, kept.Count);
        Assert.Equal((25, 32.5, 12.5), (kept[0].Area, kept[0].CentroidX, kept[0].CentroidY));
        Assert.Equal((20, 38.0, 12.5), (kept[1].Area, kept[1].CentroidX, kept[1].CentroidY));
    }

    [Fact]
    public void A_blob_one_tile_splits_in_two_is_kept_as_one_tile_sees_it()
    {
        // The left tile sees one blob x 30..39 (50 px); the right tile splits it into x 30..34 and 35..39. Each piece
        // lies whole in the blob: one group. The union (the blob) has its centroid at 35.0, a tie: the left tile's
        // reading is kept, the blob alone, not the blob and a piece.
        var tiles = new List<TileCells>
        {
            TileOf(0, 0, (1, 30, 10, 39, 14)),
            TileOf(30, 0, (1, 30, 10, 34, 14), (2, 35, 10, 39, 14)),
        };

        var kept = Assert.Single(SeamRule.Keep(tiles, Tile, Tile));
        Assert.Equal((50, 35.0), (kept.Area, kept.CentroidX));
    }

    [Theory]
    [InlineData(64, 40, 1)]
    [InlineData(80, 56, 2)]
    [InlineData(96, 72, 3)]
    public void Every_nucleus_is_kept_once_when_neighbouring_tiles_segment_it_differently(int tile, int stride, int seed)
    {
        // Each tile sees the known discs, but every other tile (a checkerboard) draws each nucleus shifted 2 px right
        // and down, as two runs of a head on differently cut pixels do. Each truth must be found once, within 3 px.
        var slide = new KnownDiscs(400, 300, seed, discs: 70, touchingPairs: 10);
        var tiles = Tiles(slide, tile, stride, shift: 2);
        var kept = SeamRule.Keep(tiles.Select(t => t.Cells).ToList(), tile, tile);
        var truth = CellPostProcessing.Describe(slide.Labels, Maps(slide.Width, slide.Height)).Cells;
        var perTile = PerTileOwnership(tiles, tile, stride, slide);
        log.WriteLine($"tile {tile}: {truth.Count} nuclei; the seam rule kept {kept.Count}; each tile deciding for itself would keep {perTile}");
        Assert.Equal(truth.Count, kept.Count);
        foreach (var cell in truth)
        {
            Assert.Single(kept, k => double.Hypot(k.CentroidX - cell.CentroidX, k.CentroidY - cell.CentroidY) < 3);
        }
    }

    [Fact]
    public void Tiles_arriving_out_of_order_give_the_same_cells_and_groups_are_decided_as_the_tiles_around_them_arrive()
    {
        const int tile = 64, stride = 40;
        var slide = new KnownDiscs(400, 300, 5, discs: 70, touchingPairs: 10);
        var tiles = Tiles(slide, tile, stride, shift: 2);
        var expected = SeamRule.Keep(tiles.Select(t => t.Cells).ToList(), tile, tile).Select(Key).Order().ToList();

        // Batches of four in grid order, each batch's tiles in a shuffled order; the frontier is the last tile of the
        // longest run of indices all seen, as the live task computes it.
        var columns = tiles.Max(t => t.Column) + 1;
        var rows = tiles.Max(t => t.Row) + 1;
        var grid = new SeamGrid([.. Enumerable.Range(0, columns).Select(c => (double)(c * stride))], [.. Enumerable.Range(0, rows).Select(r => (double)(r * stride))], tile, tile);
        var merge = new SeamMerge(grid);
        var kept = new List<Cell>();
        var random = new Random(9);
        var seen = new HashSet<int>();
        var next = 0;
        var mostHeld = 0;
        var everHeld = 0;
        for (var b = 0; b < tiles.Count; b += 4)
        {
            foreach (var i in Enumerable.Range(b, Math.Min(4, tiles.Count - b)).OrderBy(_ => random.Next()))
            {
                var t = tiles[i];
                var before = merge.Held;
                merge.Add(t.Column, t.Row, t.Cells.OriginX, t.Cells.OriginY, t.Cells.Cells, kept);
                everHeld += merge.Held - before;
                seen.Add(i);
            }

            while (seen.Contains(next))
            {
                next++;
            }

            mostHeld = Math.Max(mostHeld, merge.Held);
            merge.SeenThrough(tiles[next - 1].Column, tiles[next - 1].Row, kept);
        }

        log.WriteLine($"{everHeld} copies held in all, at most {mostHeld} at once, {merge.Held} at the end");
        Assert.Equal(0, merge.Held);
        Assert.True(mostHeld < everHeld / 2, $"held at most {mostHeld} of {everHeld}: groups are not decided as their tiles arrive");
        merge.Finish(kept);
        Assert.Equal(expected, kept.Select(Key).Order().ToList());
    }

    private static string Key(Cell c) => $"{c.Area}@{c.CentroidX:0.000},{c.CentroidY:0.000}";

    // A tile whose instance map holds the given rectangles (label, x0, y0, x1, y1 inclusive, in slide pixels).
    private static TileCells TileOf(int originX, int originY, params (int Label, int X0, int Y0, int X1, int Y1)[] nuclei)
    {
        var labels = new int[Tile * Tile];
        foreach (var (label, x0, y0, x1, y1) in nuclei)
        {
            for (var y = y0; y <= y1; y++)
            {
                for (var x = x0; x <= x1; x++)
                {
                    labels[((y - originY) * Tile) + x - originX] = label;
                }
            }
        }

        return new TileCells(originX, originY, CellPostProcessing.Describe(labels, Maps(Tile, Tile)).Cells);
    }

    // The slide cut into tiles; on a checkerboard of them the nuclei are drawn shifted by (shift, shift).
    private static List<(int Column, int Row, TileCells Cells)> Tiles(KnownDiscs slide, int tile, int stride, int shift)
    {
        var tiles = new List<(int, int, TileCells)>();
        for (int oy = 0, row = 0; oy < slide.Height; oy += stride, row++)
        {
            for (int ox = 0, column = 0; ox < slide.Width; ox += stride, column++)
            {
                var s = (column + row) % 2 == 1 ? shift : 0;
                var crop = new int[tile * tile];
                for (var y = 0; y < tile; y++)
                {
                    for (var x = 0; x < tile; x++)
                    {
                        int sx = ox + x - s, sy = oy + y - s;
                        crop[(y * tile) + x] = sx >= 0 && sy >= 0 && sx < slide.Width && sy < slide.Height ? slide.Labels[(sy * slide.Width) + sx] : 0;
                    }
                }

                tiles.Add((column, row, new TileCells(ox, oy, CellPostProcessing.Describe(crop, Maps(tile, tile)).Cells)));
            }
        }

        return tiles;
    }

    // What each tile deciding for itself keeps: its cells whose own centroid is nearest its centre.
    private static int PerTileOwnership(List<(int Column, int Row, TileCells Cells)> tiles, int tile, int stride, KnownDiscs slide)
    {
        int Nearest(double at, int count) => Enumerable.Range(0, count).MinBy(i => Math.Abs((i * stride) + (tile / 2.0) - at));
        var columns = (slide.Width + stride - 1) / stride;
        var rows = (slide.Height + stride - 1) / stride;
        return tiles.Sum(t => t.Cells.Cells.Count(c => Nearest(t.Cells.OriginX + c.CentroidX, columns) == t.Column && Nearest(t.Cells.OriginY + c.CentroidY, rows) == t.Row));
    }

    private static CellMaps Maps(int w, int h) => new(w, h, new float[w * h], new float[w * h], null, null, null, 0);
}

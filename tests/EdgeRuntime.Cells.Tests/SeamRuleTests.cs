using EdgeRuntime.Cells;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cells.Tests;

/// <summary>
/// Nuclei of a known slide seen through overlapping tiles (each tile's post-processing sees the part of a nucleus
/// inside it): the seam rule keeps each nucleus once, whole, whatever the grid.
/// </summary>
public sealed class SeamRuleTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(64, 40)]
    [InlineData(80, 56)]
    [InlineData(96, 72)]
    public void Each_nucleus_is_kept_once_and_whole_by_the_tile_that_owns_its_centroid(int tile, int stride)
    {
        var slide = new KnownDiscs(400, 300, seed: 4, discs: 60, touchingPairs: 10);
        var whole = CellPostProcessing.Describe(slide.Labels, Maps(slide.Width, slide.Height)).Cells;
        var tiles = new List<TileCells>();
        for (var oy = 0; oy < slide.Height; oy += stride)
        {
            for (var ox = 0; ox < slide.Width; ox += stride)
            {
                var crop = new int[tile * tile];
                for (var y = 0; y < tile; y++)
                {
                    for (var x = 0; x < tile; x++)
                    {
                        int sx = ox + x, sy = oy + y;
                        crop[(y * tile) + x] = sx < slide.Width && sy < slide.Height ? slide.Labels[(sy * slide.Width) + sx] : 0;
                    }
                }

                tiles.Add(new TileCells(ox, oy, CellPostProcessing.Describe(crop, Maps(tile, tile)).Cells));
            }
        }

        var kept = SeamRule.Keep(tiles, tile, tile);
        var seen = tiles.Sum(t => t.Cells.Count);
        log.WriteLine($"tile {tile}, stride {stride}: {tiles.Count} tiles saw {seen} nuclei (pieces included); kept {kept.Count} of {whole.Count}");
        Assert.True(seen > whole.Count + 20, "the grid does not overlap enough nuclei to test the rule");
        Assert.Equal(whole.Count, kept.Count);
        foreach (var cell in whole)
        {
            // The same label, whole: same area and centroid in slide coordinates.
            var match = Assert.Single(kept, k => k.Label == cell.Label);
            Assert.Equal(cell.Area, match.Area);
            Assert.Equal(cell.CentroidX, match.CentroidX, 9);
            Assert.Equal(cell.CentroidY, match.CentroidY, 9);
            Assert.Equal(cell.Contour, match.Contour);
        }
    }

    [Fact]
    public void A_centroid_equally_near_two_tile_centres_goes_to_the_upper_left_tile()
    {
        Cell At(int label, double x, double y) => new(label, 1, x, y, 0, 1, [(x - 0.5, y - 0.5), (x + 0.5, y - 0.5), (x + 0.5, y + 0.5), (x - 0.5, y + 0.5)]);

        // Tiles of 10 at x = 0 and x = 6: the point x = 8 is 3 from both centres (5 and 11).
        var tiles = new List<TileCells> { new(0, 0, [At(1, 8, 5)]), new(6, 0, [At(2, 2, 5)]) };
        var kept = Assert.Single(SeamRule.Keep(tiles, 10, 10));
        Assert.Equal(1, kept.Label);
        Assert.Equal(8, kept.CentroidX);

        // Moved by its tile's origin: the other tile's copy, at 2 + 6, lands on the same place.
        var other = Assert.Single(SeamRule.Keep([new TileCells(6, 0, [At(2, 2, 5)])], 10, 10));
        Assert.Equal((8.5, 4.5), other.Contour[1]);
    }

    private static CellMaps Maps(int w, int h) => new(w, h, new float[w * h], new float[w * h], null, null, null, 0);
}

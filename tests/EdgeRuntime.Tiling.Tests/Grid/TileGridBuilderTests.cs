using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Xunit;

namespace EdgeRuntime.Tiling.Tests.Grid;

public sealed class TileGridBuilderTests(MosaicSlides slides) : IClassFixture<MosaicSlides>
{
    private static SlideInfo Info(long width, long height, double mpp) => new()
    {
        FilePath = "/synthetic",
        Format = "synthetic",
        Reader = "none",
        Levels = [new SlideLevel(0, width, height, 1)],
        Resolution = new SlideResolution(mpp, mpp, ResolutionSource.SlideProperty),
        Properties = new Dictionary<string, string>(),
        AssociatedImages = [],
    };

    private static TissueMask Full(long width, long height) => new(10, 10, width, height, Enumerable.Repeat((byte)1, 100).ToArray(), 0);

    [Fact]
    public void Grid_at_twice_the_pixel_size_uses_level0_tiles_twice_as_wide()
    {
        // 0.25 µm/px slide, 0.5 µm/px target, 100 px tiles → 200 level-0 px. 1000 px wide: 5 whole columns.
        // 500 px high: 2 whole rows cover 400, so a third row covers the last 100, shifted up to end at 500.
        var grid = new TileGridBuilder(new TilingOptions { TargetMicronsPerPixel = 0.5, TileSize = 100, MinTissueFraction = 0 })
            .Build(Info(1000, 500, 0.25), Full(1000, 500));
        Assert.Equal((5, 3), (grid.Columns, grid.Rows));
        Assert.Equal(15, grid.Tiles.Count);
        Assert.Equal(new TileBox(400, 200, 200, 200), grid.Tiles.Single(t => t.Column == 2 && t.Row == 1).Box);
        Assert.Equal(Enumerable.Range(0, 15), grid.Tiles.Select(t => t.Index));
        Assert.True(grid.Tiles.Zip(grid.Tiles.Skip(1)).All(p => (p.First.Row, p.First.Column).CompareTo((p.Second.Row, p.Second.Column)) < 0));
    }

    [Fact]
    public void Last_column_and_row_are_shifted_inward_so_no_tile_runs_past_the_slide()
    {
        // 0.25 µm/px, 100 px tiles at 0.5 µm/px → 200 level-0 px. 1050 × 530: 5 whole columns cover 1000 and 2 whole
        // rows 400; a sixth column and a third row cover the rest, ending at the edge: x = 1050 − 200 = 850,
        // y = 530 − 200 = 330 (by hand), overlapping their neighbours by 150 and 70 px.
        var grid = new TileGridBuilder(new TilingOptions { TargetMicronsPerPixel = 0.5, TileSize = 100, MinTissueFraction = 0 })
            .Build(Info(1050, 530, 0.25), Full(1050, 530));
        Assert.Equal((6, 3), (grid.Columns, grid.Rows));
        Assert.Equal(new TileBox(850, 330, 200, 200), grid.Tiles.Single(t => t.Column == 5 && t.Row == 2).Box);
        Assert.Equal(new TileBox(800, 330, 200, 200), grid.Tiles.Single(t => t.Column == 4 && t.Row == 2).Box);
        Assert.Equal(new TileBox(850, 200, 200, 200), grid.Tiles.Single(t => t.Column == 5 && t.Row == 1).Box);
        Assert.All(grid.Tiles, t => Assert.True(t.Box.X >= 0 && t.Box.Y >= 0 && t.Box.X + t.Box.Width <= 1050 && t.Box.Y + t.Box.Height <= 530, $"{t} runs past the slide"));

        // With half-tile overlap (stride 100 level-0 px) too: columns at 0, 100, ..., 800 and one more at 850.
        var overlapping = new TileGridBuilder(new TilingOptions { TargetMicronsPerPixel = 0.5, TileSize = 100, Overlap = 50, MinTissueFraction = 0 })
            .Build(Info(1050, 530, 0.25), Full(1050, 530));
        Assert.Equal([0, 100, 200, 300, 400, 500, 600, 700, 800, 850], overlapping.Tiles.Where(t => t.Row == 0).Select(t => t.Box.X));
        Assert.Equal([0, 100, 200, 300, 330], overlapping.Tiles.Where(t => t.Column == 0).Select(t => t.Box.Y));
    }

    [Fact]
    public void A_slide_smaller_than_a_tile_keeps_its_one_tile_at_the_origin()
    {
        var grid = new TileGridBuilder(new TilingOptions { TargetMicronsPerPixel = 0.5, TileSize = 100, MinTissueFraction = 0 })
            .Build(Info(150, 120, 0.25), Full(150, 120));
        Assert.Equal(new TileBox(0, 0, 200, 200), Assert.Single(grid.Tiles).Box);
    }

    [Fact]
    public void Edge_tiles_can_be_left_out()
    {
        var grid = new TileGridBuilder(new TilingOptions { TargetMicronsPerPixel = 0.5, TileSize = 100, IncludeEdgeTiles = false, MinTissueFraction = 0 })
            .Build(Info(1000, 500, 0.25), Full(1000, 500));
        Assert.Equal((5, 2), (grid.Columns, grid.Rows));
    }

    [Fact]
    public void Overlap_shortens_the_stride()
    {
        // Stride (100 − 50) target px = 100 level-0 px: columns at 0, 100, ..., 800 → 9.
        var grid = new TileGridBuilder(new TilingOptions { TargetMicronsPerPixel = 0.5, TileSize = 100, Overlap = 50, MinTissueFraction = 0 })
            .Build(Info(1000, 400, 0.25), Full(1000, 400));
        Assert.Equal((9, 3), (grid.Columns, grid.Rows));
        Assert.Equal(100, grid.Tiles[1].Box.X);
    }

    [Fact]
    public void Tissue_fraction_of_a_box_counts_partial_mask_pixels()
    {
        // 4×4 mask over 400×400 px, left half tissue. A box from x=150 to 250 is half over tissue.
        var bits = new byte[16];
        for (var y = 0; y < 4; y++)
        {
            bits[y * 4] = bits[(y * 4) + 1] = 1;
        }

        var mask = new TissueMask(4, 4, 400, 400, bits, 0);
        Assert.Equal(0.5, mask.FractionOf(new TileBox(150, 0, 100, 100)), 9);
        Assert.Equal(1.0, mask.FractionOf(new TileBox(0, 0, 200, 400)), 9);
        Assert.Equal(0.25, mask.FractionOf(new TileBox(100, 300, 200, 200)), 9); // half outside the slide, half of the rest tissue
        Assert.Equal(0.5, mask.TissueFraction);
    }

    [Fact]
    public void Generated_slide_keeps_tiles_over_the_tissue_block_and_none_in_its_margins()
    {
        var layout = slides.Marked;
        using var slide = new SlideOpener(new SlideReadingOptions()).Open(layout.Path);
        var options = new TilingOptions(); // 224 px at 0.5 µm/px; the slide is 0.5 µm/px, so tiles are 224 level-0 px
        var tiler = new SlideTiler(new TissueDetectionOptions(), options);
        var plan = tiler.Plan(slide);

        // Known layout: block [2048, 3584) × [1024, 2048). 224 px tiles fully inside: columns 10..15 and
        // rows 5..8, 24 tiles. Tiles that touch the block: columns 9..15, rows 4..9, 42. Every kept tile must
        // overlap the block by at least the tissue share asked for, since everything else is glass, ink or border.
        Assert.Equal((28, 19), (plan.Grid.Columns, plan.Grid.Rows)); // 6144/224 = 27.4 → 28; 4096/224 = 18.3 → 19
        Assert.InRange(plan.Grid.Tiles.Count, 24, 42);
        foreach (var tile in plan.Grid.Tiles)
        {
            var b = tile.Box;
            var overlapWidth = Math.Max(0, Math.Min(b.X + b.Width, layout.Tissue.X1) - Math.Max(b.X, layout.Tissue.X0));
            var overlapHeight = Math.Max(0, Math.Min(b.Y + b.Height, layout.Tissue.Y1) - Math.Max(b.Y, layout.Tissue.Y0));
            Assert.True(overlapWidth * overlapHeight >= options.MinTissueFraction * b.Width * b.Height * 0.9, $"tile {tile} lies outside the tissue block");
        }

        // The 24 tiles wholly inside the stained block are all kept.
        var inside = plan.Grid.Tiles.Count(t => t.Column is >= 10 and <= 15 && t.Row is >= 5 and <= 8);
        Assert.Equal(24, inside);
    }

    [Fact]
    public void Same_slide_and_parameters_give_the_same_tiles_in_the_same_order()
    {
        using var slide = new SlideOpener(new SlideReadingOptions()).Open(slides.Marked.Path);
        var tiler = new SlideTiler(new TissueDetectionOptions(), new TilingOptions { Overlap = 32 });
        Assert.Equal(tiler.Plan(slide).Grid.Tiles, tiler.Plan(slide).Grid.Tiles);
    }

    [Fact]
    public void Options_errors_name_their_configuration_keys()
    {
        var error = Assert.Throws<ArgumentException>(() => new TileGridBuilder(new TilingOptions { TileSize = 224, Overlap = 224, MinTissueFraction = 2 }));
        Assert.Contains("EdgeRuntime:Tiling:Overlap", error.Message);
        Assert.Contains("EdgeRuntime:Tiling:MinTissueFraction", error.Message);
    }
}

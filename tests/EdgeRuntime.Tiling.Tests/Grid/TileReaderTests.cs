using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Xunit;

namespace EdgeRuntime.Tiling.Tests.Grid;

public sealed class TileReaderTests(MosaicSlides slides) : IClassFixture<MosaicSlides>
{
    private static readonly SlideOpener Opener = new(new SlideReadingOptions());

    private static TileGrid Grid(ISlide slide, TilingOptions options) =>
        new SlideTiler(new TissueDetectionOptions(), options).Plan(slide).Grid;

    [Fact]
    public void Tile_at_the_slides_own_resolution_is_read_without_resampling()
    {
        using var slide = Opener.Open(slides.Marked.Path);
        var grid = Grid(slide, new TilingOptions());
        var reader = new TileReader(slide, grid);
        Assert.Equal(0, reader.Level);
        var tile = grid.Tiles[grid.Tiles.Count / 2];
        var pixels = new byte[224 * 224 * 3];
        reader.Read(tile, pixels);
        var direct = new byte[224 * 224 * 3];
        slide.ReadRegion(0, tile.Box.X, tile.Box.Y, 224, 224, direct);
        Assert.Equal(direct, pixels);
    }

    [Fact]
    public void Tile_at_a_coarser_resolution_comes_from_the_matching_pyramid_level()
    {
        // 1.0 µm/px on a 0.5 µm/px slide: downsample 2, which the pyramid has as level 1.
        using var slide = Opener.Open(slides.Marked.Path);
        var grid = Grid(slide, new TilingOptions { TargetMicronsPerPixel = 1.0 });
        var reader = new TileReader(slide, grid);
        Assert.Equal(1, reader.Level);
        var tile = grid.Tiles[0];
        var pixels = new byte[224 * 224 * 3];
        reader.Read(tile, pixels);
        var direct = new byte[224 * 224 * 3];
        slide.ReadRegion(1, tile.Box.X, tile.Box.Y, 224, 224, direct);
        Assert.Equal(direct, pixels);
    }

    [Fact]
    public void Tile_between_levels_is_read_larger_and_resized_with_pillows_bicubic()
    {
        // 0.6 µm/px: 224 × 1.2 = 268.8 → 269 level-0 px, read from level 0 and resized to 224.
        using var slide = Opener.Open(slides.Marked.Path);
        var grid = Grid(slide, new TilingOptions { TargetMicronsPerPixel = 0.6 });
        var reader = new TileReader(slide, grid);
        Assert.Equal(0, reader.Level);
        var tile = grid.Tiles[3];
        Assert.Equal(269, tile.Box.Width);

        var region = new byte[269 * 269 * 3];
        slide.ReadRegion(0, tile.Box.X, tile.Box.Y, 269, 269, region);
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("region.raw"), region);
        ExternalTool.Python(
            "import sys; from PIL import Image; im=Image.frombytes('RGB',(269,269),open(sys.argv[1],'rb').read());"
            + " open(sys.argv[2],'wb').write(im.resize((224,224), Image.BICUBIC).tobytes())",
            dir.File("region.raw"), dir.File("expected.raw"));

        var pixels = new byte[224 * 224 * 3];
        reader.Read(tile, pixels);
        Assert.Equal(File.ReadAllBytes(dir.File("expected.raw")), pixels);
    }
}

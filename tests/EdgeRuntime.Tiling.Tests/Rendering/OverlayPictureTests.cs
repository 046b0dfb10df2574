using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Rendering;
using EdgeRuntime.Tiling.Tissue;
using SkiaSharp;
using Xunit;

namespace EdgeRuntime.Tiling.Tests.Rendering;

/// <summary>The pictures people look at: class overlays and the tiling thumbnail (issue 23 §5).</summary>
public sealed class OverlayPictureTests
{
    private static readonly SlideOpener Opener = new(new SlideReadingOptions());

    private static RgbImage Grey(int width, int height)
    {
        var image = new RgbImage(width, height);
        image.Span.Fill(200);
        return image;
    }

    [Fact]
    public void Cells_at_a_fractional_stride_are_tinted_without_a_seam_or_a_double_line()
    {
        // CMU-1-Small-Region's grid: 2220 × 2967 level-0 px at 0.499 µm/px, cells of 224 × 0.5 / 0.499 = 224.449 px,
        // drawn on a 766 × 1024 thumbnail. Every pixel whose centre lies in a cell is tinted exactly once: by hand,
        // 200 × (255 − 110) / 255 + colour × 110 / 255 for class 0's (31, 119, 180): (127, 165, 191).
        const double Cell = 224 * 0.5 / 0.499;
        var regions = new List<ClassRegion>();
        for (var y = 0; y < 14; y++)
        {
            for (var x = 0; x < 10; x++)
            {
                regions.Add(new ClassRegion(x * Cell, y * Cell, Cell, Cell, 0));
            }
        }

        var (tinted, present) = ClassMapOverlay.Tint(Grey(766, 1024), 2220, 2967, regions);
        Assert.Equal([0], present);
        var covered = (int)Math.Round(10 * Cell * 766 / 2220); // the cells end at x = 2244.5 px, beyond the slide
        for (var y = 0; y < 1024; y++)
        {
            for (var x = 0; x < Math.Min(covered, 766); x++)
            {
                var o = ((y * 766) + x) * 3;
                Assert.True((tinted.Pixels[o], tinted.Pixels[o + 1], tinted.Pixels[o + 2]) == (127, 165, 191), $"pixel ({x}, {y}) is ({tinted.Pixels[o]}, {tinted.Pixels[o + 1]}, {tinted.Pixels[o + 2]})");
            }
        }
    }

    [Fact]
    public void Overlapping_regions_are_tinted_once_by_the_last()
    {
        var (tinted, _) = ClassMapOverlay.Tint(Grey(100, 100), 100, 100, [new ClassRegion(0, 0, 60, 100, 0), new ClassRegion(40, 0, 60, 100, 0)]);
        Assert.Equal(tinted.Pixels[(50 * 3)], tinted.Pixels[(10 * 3)]); // the overlap is no darker
    }

    [Fact]
    public void The_legend_lists_only_the_classes_present_beside_the_picture()
    {
        var thumbnail = Grey(300, 200);
        string[] names = ["brick", "an absent class with a very long name indeed"];
        var onlyFirst = Decode(ClassMapOverlay.RenderPng(thumbnail, 300, 200, [new ClassRegion(0, 0, 300, 200, 0)], names));
        var both = Decode(ClassMapOverlay.RenderPng(thumbnail, 300, 200, [new ClassRegion(0, 0, 150, 200, 0), new ClassRegion(150, 0, 150, 200, 1)], names));

        // The legend is a column of its own to the right: the picture's own pixels are all tint, none legend.
        Assert.True(onlyFirst.Width > 300);
        for (var y = 0; y < 200; y += 7)
        {
            for (var x = 0; x < 300; x += 7)
            {
                Assert.Equal(new SKColor(127, 165, 191), onlyFirst.GetPixel(x, y));
            }
        }

        // The absent class's long name is not listed: its legend column is narrower, and one row high.
        Assert.True(onlyFirst.Width < both.Width - 100, $"{onlyFirst.Width} vs {both.Width}");
        Assert.Equal(new SKColor(31, 119, 180), onlyFirst.GetPixel(300 + 8 + 6, 8 + 6));
        Assert.Equal(SKColors.White, onlyFirst.GetPixel(300 + 8 + 6, 8 + 16 + 6));
        Assert.Equal(new SKColor(255, 127, 14), both.GetPixel(300 + 8 + 6, 8 + 16 + 6));
    }

    [Fact]
    public void Tile_outlines_take_a_colour_that_stands_out_from_the_slide()
    {
        // Every tile kept (detector none), so the outlines run over nuclei and background alike.
        var options = new TissueDetectionOptions { Detector = TissueDetectors.None };
        using var dapi = Opener.Open(TestData.Slide("test3-DAPI-2.ndpi"));
        Assert.NotEqual(TilingOverlay.OutlineColours[0], OutlineOf(dapi, options)); // blue would vanish on DAPI's blue nuclei
        using var he = Opener.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        Assert.Equal(TilingOverlay.OutlineColours[0], OutlineOf(he, options)); // blue stands out on H&E
    }

    private static (byte, byte, byte) OutlineOf(ISlide slide, TissueDetectionOptions options)
    {
        var plan = new SlideTiler(options, new TilingOptions()).Plan(slide);
        var (w, h) = SlideDownsampler.FitLongSide(slide.Info.Width, slide.Info.Height, 1024);
        var thumbnail = SlideDownsampler.Read(slide, w, h);
        return TilingOverlay.OutlineFor(thumbnail, plan.Grid, (float)w / slide.Info.Width, (float)h / slide.Info.Height);
    }

    private static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png);
}

using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Tissue;
using Xunit;

namespace EdgeRuntime.Tiling.Tests.Tissue;

public sealed class SaturationTissueDetectorTests(MosaicSlides slides) : IClassFixture<MosaicSlides>
{
    private static readonly SlideOpener Opener = new(new SlideReadingOptions());
    private static readonly SaturationTissueDetector Detector = new(new TissueDetectionOptions());

    [Fact]
    public void Tissue_block_is_found_and_margins_black_border_and_pen_are_not()
    {
        var layout = slides.Marked;
        using var slide = Opener.Open(layout.Path);
        var mask = Detector.Detect(slide);

        // Outside the block (with one mask pixel of slack for the blur at its edge) there is no tissue:
        // the border and the pen are as saturated or dark as stains get, and must not count.
        long inBlock = 0, outside = 0;
        for (var y = 0; y < mask.Height; y++)
        {
            for (var x = 0; x < mask.Width; x++)
            {
                if (!mask[x, y])
                {
                    continue;
                }

                var (cx, cy) = ((x + 0.5) * mask.DownsampleX, (y + 0.5) * mask.DownsampleY);
                var slack = mask.DownsampleX;
                if (cx >= layout.Tissue.X0 - slack && cx < layout.Tissue.X1 + slack && cy >= layout.Tissue.Y0 - slack && cy < layout.Tissue.Y1 + slack)
                {
                    inBlock++;
                }
                else
                {
                    outside++;
                }
            }
        }

        Assert.Equal(0, outside);
        var blockCells = (layout.Tissue.X1 - layout.Tissue.X0) * (layout.Tissue.Y1 - layout.Tissue.Y0) / (mask.DownsampleX * mask.DownsampleY);
        Assert.InRange(inBlock / blockCells, 0.5, 1.1); // most of the IHC field is stained tissue
    }

    [Fact]
    public void Real_aperio_tissue_is_found_and_its_glass_margins_are_not()
    {
        using var slide = Opener.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        var mask = Detector.Detect(slide);
        Assert.InRange(mask.TissueFraction, 0.2, 0.7);

        // Places read off the slide's thumbnail: the top-left corner is glass with a speck of dust,
        // the lower middle is dense dermis.
        for (var y = 0; y < mask.Height * 15 / 100; y++)
        {
            for (var x = 0; x < mask.Width * 15 / 100; x++)
            {
                Assert.False(mask[x, y], $"glass at mask ({x},{y}) marked as tissue");
            }
        }

        Assert.True(mask[mask.Width * 45 / 100, mask.Height * 75 / 100]);
    }

    [Fact]
    public void Options_errors_name_their_configuration_keys()
    {
        var options = new TissueDetectionOptions { MedianKernelSize = 4, MinimumSaturation = 300, MaskDownsample = 0 };
        var error = Assert.Throws<ArgumentException>(() => new SaturationTissueDetector(options));
        Assert.Contains("EdgeRuntime:Tissue:MedianKernelSize", error.Message);
        Assert.Contains("EdgeRuntime:Tissue:MinimumSaturation", error.Message);
        Assert.Contains("EdgeRuntime:Tissue:MaskDownsample", error.Message);
    }

    [Fact]
    public void A_slide_declaring_dimensions_it_has_no_pyramid_for_is_refused_before_minutes_of_decoding_with_the_key_named()
    {
        // The shared CMU region (one level, 2220 × 2967) with its first IFD claiming 65535 × 65535 pixels: OpenSlide
        // opens it, and a mask would mean decoding 4.3 Gpx of level 0 (it took 6.5 minutes in the damaged-file run).
        using var temp = new TempDirectory();
        var path = temp.File("huge.svs");
        var original = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        File.WriteAllBytes(path, DamagedSlideCorpus.Damage(original, "huge-dimensions", new Random(3)));
        using var slide = Opener.Open(path);
        Assert.True(slide.Info.Width * slide.Info.Height > 1L << 30, $"the damage did not take: {slide.Info.Width} × {slide.Info.Height}");

        var error = Assert.Throws<InvalidDataException>(() => Detector.Detect(slide));
        Assert.Contains("EdgeRuntime:Tissue:MaxSourcePixels", error.Message);
        Assert.Contains("no lower-resolution level", error.Message);
    }
}

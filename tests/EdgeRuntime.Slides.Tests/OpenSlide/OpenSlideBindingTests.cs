using System.Text.RegularExpressions;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.OpenSlide;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Slides.Tests.OpenSlide;

// Expected figures come from the shared data's README and from `vipsheader -a` (libvips' own OpenSlide
// loader), not from this binding.
public sealed class OpenSlideBindingTests
{
    [Fact]
    public void Installed_version_is_reported()
    {
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+"), OpenSlideLibrary.Version);
    }

    [Fact]
    public void Aperio_region_has_calibration_properties_and_associated_images()
    {
        using var slide = Slides.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        var info = slide.Info;
        Assert.Equal("aperio", info.Format);
        Assert.Single(info.Levels);
        Assert.Equal((2220L, 2967L), (info.Width, info.Height));
        Assert.Equal(0.499, info.Resolution.MicronsPerPixelX, 6);
        Assert.Equal(0.499, info.Resolution.MicronsPerPixelY, 6);
        Assert.Equal(ResolutionSource.SlideProperty, info.Resolution.Source);
        Assert.Equal("20", info.Properties["aperio.AppMag"]);
        Assert.Equal(["label", "macro", "thumbnail"], info.AssociatedImages.Select(a => a.Name).Order());

        var label = slide.ReadAssociatedImage("label");
        var declared = info.AssociatedImages.Single(a => a.Name == "label");
        Assert.Equal((declared.Width, declared.Height), (label.Width, label.Height));
        Assert.Contains(label.Pixels, b => b != 255); // a label has print on it
    }

    [Fact]
    public void Ndpi_has_seven_levels_each_half_the_previous()
    {
        using var slide = Slides.Open(TestData.Slide("test3-DAPI-2.ndpi"));
        var info = slide.Info;
        Assert.Equal("hamamatsu", info.Format);
        Assert.Equal(7, info.Levels.Count);
        Assert.Equal((3968L, 4864L), (info.Width, info.Height));
        for (var i = 1; i < info.Levels.Count; i++)
        {
            Assert.Equal(Math.Pow(2, i), info.Levels[i].Downsample, 1);
        }

        Assert.Equal(2, slide.GetBestLevelForDownsample(4.0));
        Assert.Equal(1, slide.GetBestLevelForDownsample(3.9));
        Assert.Equal(0, slide.GetBestLevelForDownsample(1.0));
        Assert.Equal(6, slide.GetBestLevelForDownsample(1000));
    }

    [Fact]
    public void Small_svs_exposes_vendor_properties()
    {
        using var slide = Slides.Open(TestData.Slide("small.svs"));
        Assert.Equal((16L, 16L), (slide.Info.Width, slide.Info.Height));
        Assert.Equal("20", slide.Info.Properties["aperio.AppMag"]);
        Assert.Equal("33014", slide.Info.Properties["aperio.Originalheight"]);
    }

    [Fact]
    public void Generic_tiff_has_four_levels_and_pixels_equal_to_pillows_decoding_of_the_same_image()
    {
        using var slide = Slides.Open(TestData.Slide("boxes.tiff"));
        Assert.Equal("generic-tiff", slide.Info.Format);
        Assert.Equal(4, slide.Info.Levels.Count);
        Assert.Equal((300L, 250L), (slide.Info.Width, slide.Info.Height));

        // boxes.tiff is deflate-compressed (lossless); Pillow decodes its first page identical to boxes.png.
        var reference = PillowReference.DecodeRgb(TestData.Slide("boxes.png"));
        Assert.Equal(reference, Slides.Read(slide, 0, 0, 0, 300, 250));
    }

    [Fact]
    public void Generic_tiff_written_at_72_dpi_falls_back_to_the_configured_default_resolution()
    {
        // 72 dpi would be 352.8 µm/px: an editor's placeholder, not a microscope's calibration.
        using var slide = Slides.Open(TestData.Slide("boxes.tiff"));
        Assert.Equal(ResolutionSource.ConfiguredDefault, slide.Info.Resolution.Source);
        Assert.Equal(new SlideReadingOptions().DefaultMicronsPerPixel, slide.Info.Resolution.MicronsPerPixel);
    }

    [Fact]
    public void Unreadable_svs_opens_but_reading_pixels_fails_with_the_file_and_openslides_reason()
    {
        var path = TestData.Slide("unreadable.svs");
        using var slide = Slides.Open(path);
        Assert.Single(slide.Info.Levels);
        var error = Assert.Throws<SlideReadException>(() => Slides.Read(slide, 0, 0, 0, 16, 16));
        Assert.Contains(path, error.Message);
        Assert.Contains("Bogus marker length", error.Message);
    }

    [Fact]
    public void Region_read_across_the_slide_edge_is_white_outside_not_black()
    {
        using var slide = Slides.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        const int width = 100, height = 50;
        var x = slide.Info.Width - 40; // 40 px inside, 60 px outside
        var rgb = Slides.Read(slide, 0, x, 1000, width, height);
        for (var row = 0; row < height; row++)
        {
            for (var col = 40; col < width; col++)
            {
                var o = ((row * width) + col) * 3;
                Assert.True(rgb[o] == 255 && rgb[o + 1] == 255 && rgb[o + 2] == 255, $"pixel ({col},{row}) outside the slide is {rgb[o]},{rgb[o + 1]},{rgb[o + 2]}");
            }
        }

        // ...while the part inside is the scanned glass and tissue, the same as when read on its own.
        var inside = Slides.Read(slide, 0, x, 1000, 40, height);
        for (var row = 0; row < height; row++)
        {
            Assert.Equal(inside.AsSpan(row * 40 * 3, 40 * 3).ToArray(), rgb.AsSpan(row * width * 3, 40 * 3).ToArray());
        }

        Assert.Contains(inside, b => b < 250); // scanned glass is not pure white
    }

    [Fact]
    public void Concurrent_reads_of_one_slide_give_the_same_pixels_as_sequential_reads()
    {
        using var slide = Slides.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        var random = new Random(1234);
        var regions = Enumerable.Range(0, 64)
            .Select(_ => (X: (long)random.Next(-50, 2100), Y: (long)random.Next(-50, 2850), Size: random.Next(64, 300)))
            .ToArray();
        var sequential = regions.Select(r => Slides.Read(slide, 0, r.X, r.Y, r.Size, r.Size)).ToArray();

        var parallel = new byte[regions.Length][];
        Parallel.For(0, regions.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var r = regions[i % regions.Length];
            var pixels = Slides.Read(slide, 0, r.X, r.Y, r.Size, r.Size);
            if (i >= regions.Length * 3)
            {
                parallel[i % regions.Length] = pixels;
            }
            else
            {
                Assert.Equal(sequential[i % regions.Length], pixels);
            }
        });
        Assert.Equal(sequential, parallel);
    }
}

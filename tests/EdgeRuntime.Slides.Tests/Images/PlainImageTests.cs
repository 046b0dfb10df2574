using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Slides.Tests.Images;

// Reference pixels and the test files themselves are made by Pillow.
public sealed class PlainImageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Png_opens_as_a_single_level_slide_with_pillows_pixels()
    {
        using var slide = Slides.Open(TestData.Image("ihc.png"));
        Assert.Equal("png", slide.Info.Format);
        Assert.Single(slide.Info.Levels);
        Assert.Equal(PillowReference.DecodeRgb(TestData.Image("ihc.png")), Slides.Read(slide, 0, 0, 0, 512, 512));
        Assert.Equal(ResolutionSource.ConfiguredDefault, slide.Info.Resolution.Source);
    }

    [Fact]
    public void Untiled_tiff_opens_through_libtiff_with_its_resolution_tags()
    {
        var path = temp.File("field.tif");
        // 50,800 dpi = 0.5 µm/px, written as an uncompressed strip TIFF that OpenSlide's generic-TIFF reader refuses.
        ExternalTool.Python("import sys; from PIL import Image; Image.open(sys.argv[1]).save(sys.argv[2], dpi=(50800, 50800))", TestData.Image("ihc.png"), path);
        using var slide = Slides.Open(path);
        Assert.Equal("tiff", slide.Info.Format);
        Assert.Equal(ResolutionSource.TiffResolutionTags, slide.Info.Resolution.Source);
        Assert.Equal(0.5, slide.Info.Resolution.MicronsPerPixel, 4);
        Assert.Equal(PillowReference.DecodeRgb(path), Slides.Read(slide, 0, 0, 0, 512, 512));
    }

    [Fact]
    public void Jpeg_opens_with_pillows_pixels()
    {
        var path = temp.File("field.jpg");
        ExternalTool.Python("import sys; from PIL import Image; Image.open(sys.argv[1]).save(sys.argv[2], quality=90)", TestData.Image("ihc.png"), path);
        using var slide = Slides.Open(path);
        Assert.Equal("jpeg", slide.Info.Format);
        var expected = PillowReference.DecodeRgb(path);
        var actual = Slides.Read(slide, 0, 0, 0, 512, 512);
        // Both use libjpeg-turbo's default IDCT; allow the one grey level that build options can move.
        Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1));
    }

    [Fact]
    public void Png_density_gives_the_resolution()
    {
        var path = temp.File("calibrated.png");
        // Pillow writes dpi as pHYs in pixels per metre: 50,800 dpi = 2,000,000 px/m = 0.5 µm/px.
        ExternalTool.Python("import sys; from PIL import Image; Image.open(sys.argv[1]).save(sys.argv[2], dpi=(50800, 50800))", TestData.Image("ihc.png"), path);
        using var slide = Slides.Open(path);
        Assert.Equal(ResolutionSource.ImageMetadata, slide.Info.Resolution.Source);
        Assert.Equal(0.5, slide.Info.Resolution.MicronsPerPixel, 3);
    }

    [Fact]
    public void Region_beyond_a_plain_image_is_white()
    {
        using var slide = Slides.Open(TestData.Image("ihc.png"));
        var rgb = Slides.Read(slide, 0, 500, -10, 20, 20);
        Assert.Equal(255, rgb[0]); // (500,-10) is above the image
        Assert.Equal(255, rgb[((15 * 20) + 15) * 3]); // (515, 5) is right of it
        Assert.NotEqual(new byte[] { 255, 255, 255 }, rgb.AsSpan(((15 * 20) + 5) * 3, 3).ToArray()); // (505, 5) is inside
    }

    [Fact]
    public void Truncated_png_is_refused_naming_the_file()
    {
        var bytes = File.ReadAllBytes(TestData.Image("ihc.png"));
        var path = temp.File("cut.png");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var error = Assert.ThrowsAny<SlideException>(() => Slides.Open(path));
        Assert.Contains(path, error.Message);
    }
}

using EdgeRuntime.Slides.OpenSlide;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Slides.Tests.OpenSlide;

public sealed class BadFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Zero_byte_file_is_refused_as_empty_naming_the_file()
    {
        var path = temp.File("empty.svs");
        File.WriteAllBytes(path, []);
        var error = Assert.Throws<UnsupportedSlideException>(() => Slides.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Text_file_named_svs_is_refused_as_unrecognised_format()
    {
        var path = temp.File("notes.svs");
        File.WriteAllText(path, "This is not a slide, whatever its name says.\n");
        var error = Assert.Throws<UnsupportedSlideException>(() => Slides.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("'.svs'", error.Message);
        Assert.Contains("not a format", error.Message);
    }

    [Fact]
    public void Truncated_tiff_fails_with_the_file_named_and_no_pixels_passed_on()
    {
        // The first 40% of a real Aperio file: the header and directory survive, the tile data does not.
        var source = File.ReadAllBytes(TestData.Slide("CMU-1-Small-Region.svs"));
        var path = temp.File("truncated.svs");
        File.WriteAllBytes(path, source.AsSpan(0, source.Length * 2 / 5).ToArray());

        var error = Assert.ThrowsAny<SlideException>(() =>
        {
            using var slide = Slides.Open(path);
            Slides.Read(slide, 0, 0, 0, (int)slide.Info.Width, (int)slide.Info.Height);
        });
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Truncated_tiff_header_is_refused_at_open()
    {
        var source = File.ReadAllBytes(TestData.Slide("boxes.tiff"));
        var path = temp.File("cut.tiff");
        File.WriteAllBytes(path, source.AsSpan(0, 100).ToArray());
        var error = Assert.ThrowsAny<SlideException>(() => Slides.Open(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Dicom_slide_is_refused_by_openslide_3_with_the_reason_that_it_needs_openslide_4()
    {
        var path = TestData.Slide("boxes_0.dcm");
        if (OpenSlideLibrary.MajorVersion >= 4)
        {
            using var slide = Slides.Open(path);
            Assert.Equal("dicom", slide.Info.Format);
            return;
        }

        var error = Assert.Throws<UnsupportedSlideException>(() => Slides.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("DICOM", error.Message);
        Assert.Contains("OpenSlide 4.0", error.Message);
        Assert.Contains(OpenSlideLibrary.Version, error.Message);
    }

    [Fact]
    public void Missing_file_is_reported_with_its_path()
    {
        var path = temp.File("nowhere.svs");
        var error = Assert.ThrowsAny<SlideException>(() => Slides.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("no such file", error.Message);
    }
}

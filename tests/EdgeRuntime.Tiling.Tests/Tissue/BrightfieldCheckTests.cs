using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Tissue;
using Xunit;

namespace EdgeRuntime.Tiling.Tests.Tissue;

public sealed class BrightfieldCheckTests(MosaicSlides slides) : IClassFixture<MosaicSlides>
{
    private static readonly SlideOpener Opener = new(new SlideReadingOptions());

    [Fact]
    public void A_dapi_fluorescence_scan_is_not_brightfield_by_its_background_and_its_excitation_wavelength()
    {
        // numpy on OpenSlide's own 512 px thumbnail (python3-openslide): 81.3 % of pixels have a brightest channel
        // below 60; the file's "NDP Shading Data" names ExcitationWaveLength=387 (DAPI).
        using var slide = Opener.Open(TestData.Slide("test3-DAPI-2.ndpi"));
        var stain = BrightfieldCheck.Of(slide, new TissueDetectionOptions());
        Assert.False(stain.Brightfield);
        Assert.InRange(stain.DarkShare, 0.7, 0.9);
        Assert.Contains(stain.Evidence, e => e.Contains("dark", StringComparison.Ordinal));
        Assert.Contains(stain.Evidence, e => e.Contains("387 nm", StringComparison.Ordinal));
    }

    [Fact]
    public void Brightfield_slides_are_brightfield()
    {
        // numpy on OpenSlide's thumbnail of CMU-1-Small-Region (H&E filling the field): 0.7 % dark.
        using var he = Opener.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        var stain = BrightfieldCheck.Of(he, new TissueDetectionOptions());
        Assert.True(stain.Brightfield, string.Join("; ", stain.Evidence));
        Assert.InRange(stain.DarkShare, 0, 0.05);

        // The generated IHC slide with its black scanner border and pen stroke: dark only at the border.
        using var marked = Opener.Open(slides.Marked.Path);
        Assert.True(BrightfieldCheck.Of(marked, new TissueDetectionOptions()).Brightfield);
        using var boxes = Opener.Open(TestData.Slide("boxes.tiff"));
        Assert.True(BrightfieldCheck.Of(boxes, new TissueDetectionOptions()).Brightfield);
    }

    [Fact]
    public void Non_brightfield_options_are_validated_with_their_keys()
    {
        var errors = new TissueDetectionOptions { NonBrightfield = "ignore", DarkBackgroundShare = 0, MinSlideTiles = 0 }.Validate().ToList();
        Assert.Contains(errors, e => e.Contains("EdgeRuntime:Tissue:NonBrightfield", StringComparison.Ordinal) && e.Contains("'ignore'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("EdgeRuntime:Tissue:DarkBackgroundShare", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("EdgeRuntime:Tissue:MinSlideTiles", StringComparison.Ordinal));
    }
}

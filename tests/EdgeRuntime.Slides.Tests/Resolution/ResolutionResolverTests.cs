using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.Resolution;
using Xunit;

namespace EdgeRuntime.Slides.Tests.Resolution;

public sealed class ResolutionResolverTests
{
    private static readonly ResolutionResolver Resolver = new(new SlideReadingOptions { DefaultMicronsPerPixel = 0.75 });

    private static SlideResolution Resolve(params (string Key, string Value)[] properties) =>
        Resolver.Resolve(properties.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void Calibration_wins_over_everything()
    {
        var r = Resolve(("openslide.mpp-x", "0.2527"), ("openslide.mpp-y", "0.2531"), ("openslide.objective-power", "20"));
        Assert.Equal((0.2527, 0.2531, ResolutionSource.SlideProperty), (r.MicronsPerPixelX, r.MicronsPerPixelY, r.Source));
    }

    [Theory]
    [InlineData("10", 1.0)]
    [InlineData("20", 0.5)]
    [InlineData("40", 0.25)]
    public void Objective_power_is_used_without_calibration(string power, double expected)
    {
        var r = Resolve(("openslide.objective-power", power));
        Assert.Equal((expected, ResolutionSource.ObjectivePower), (r.MicronsPerPixel, r.Source));
    }

    [Fact]
    public void Tiff_tags_in_centimetres_are_converted()
    {
        // 20,000 px/cm = 0.5 µm/px.
        var r = Resolve(("tiff.XResolution", "20000"), ("tiff.YResolution", "40000"), ("tiff.ResolutionUnit", "centimeter"));
        Assert.Equal((0.5, 0.25, ResolutionSource.TiffResolutionTags), (r.MicronsPerPixelX, r.MicronsPerPixelY, r.Source));
    }

    [Fact]
    public void Tiff_tags_in_inches_are_converted()
    {
        // 50,800 dpi = 25,400 µm / 50,800 = 0.5 µm/px.
        var r = Resolve(("tiff.XResolution", "50800"), ("tiff.YResolution", "50800"), ("tiff.ResolutionUnit", "inch"));
        Assert.Equal((0.5, ResolutionSource.TiffResolutionTags), (r.MicronsPerPixel, r.Source));
    }

    [Theory]
    [InlineData("72", "inch")] // an editor's default
    [InlineData("20000", "none")] // no unit: no physical meaning
    public void Meaningless_tiff_tags_fall_back_to_the_default(string dpi, string unit)
    {
        var r = Resolve(("tiff.XResolution", dpi), ("tiff.YResolution", dpi), ("tiff.ResolutionUnit", unit));
        Assert.Equal((0.75, ResolutionSource.ConfiguredDefault), (r.MicronsPerPixel, r.Source));
    }

    [Fact]
    public void Png_density_is_used_last_before_the_default()
    {
        var r = Resolve(("png.pHYs.PixelsPerMetreX", "2000000"), ("png.pHYs.PixelsPerMetreY", "2000000"));
        Assert.Equal((0.5, ResolutionSource.ImageMetadata), (r.MicronsPerPixel, r.Source));
    }

    [Fact]
    public void Garbage_calibration_is_ignored()
    {
        var r = Resolve(("openslide.mpp-x", "n/a"), ("openslide.mpp-y", "0"), ("openslide.objective-power", "40"));
        Assert.Equal((0.25, ResolutionSource.ObjectivePower), (r.MicronsPerPixel, r.Source));
    }

    [Fact]
    public void Nothing_gives_the_configured_default()
    {
        var r = Resolve();
        Assert.Equal((0.75, ResolutionSource.ConfiguredDefault), (r.MicronsPerPixel, r.Source));
    }
}

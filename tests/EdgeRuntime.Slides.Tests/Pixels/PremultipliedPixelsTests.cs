using EdgeRuntime.Slides.Pixels;
using Xunit;

namespace EdgeRuntime.Slides.Tests.Pixels;

public sealed class PremultipliedPixelsTests
{
    // Hand-computed: premultiplied colour c with alpha a over white is c + (255 − a).
    [Theory]
    [InlineData(0x00000000u, 255, 255, 255)] // transparent → white glass
    [InlineData(0xFF102030u, 0x10, 0x20, 0x30)] // opaque → unchanged
    [InlineData(0x80402000u, 0x40 + 127, 0x20 + 127, 0x00 + 127)] // half transparent dark orange
    public void Argb_is_composited_over_white(uint argb, int r, int g, int b)
    {
        var rgb = new byte[3];
        PremultipliedPixels.ArgbToRgbOverWhite([argb], rgb);
        Assert.Equal(new[] { (byte)r, (byte)g, (byte)b }, rgb);
    }

    [Fact]
    public void Abgr_has_red_in_the_low_byte()
    {
        var rgb = new byte[3];
        PremultipliedPixels.AbgrToRgbOverWhite([0xFF302010u], rgb);
        Assert.Equal(new byte[] { 0x10, 0x20, 0x30 }, rgb);
    }
}

using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Slides.Tests.Pixels;

// Golden output: Pillow's Image.resize on the same decoded pixels, run by Debian's python3-pil.
public sealed class PillowResizerTests
{
    private static readonly Lazy<byte[]> Ihc = new(() => PillowReference.DecodeRgb(TestData.Image("ihc.png")));

    [Theory]
    [InlineData(224, 224, "bicubic")] // CLIP's 512 → 224 downscale
    [InlineData(448, 448, "bicubic")] // CONCH's input size
    [InlineData(190, 190, "bicubic")] // scale 0.37, kernel wider than 5 taps
    [InlineData(700, 700, "bicubic")] // upscale
    [InlineData(300, 150, "bicubic")] // different scales per axis
    [InlineData(512, 256, "bicubic")] // vertical pass only
    [InlineData(128, 512, "bicubic")] // horizontal pass only
    [InlineData(100, 100, "bilinear")]
    [InlineData(640, 333, "bilinear")]
    public void Resize_matches_pillow_on_a_real_image(int width, int height, string filter)
    {
        var expected = PillowReference.Resize(TestData.Image("ihc.png"), width, height, filter);
        var resizer = new PillowResizer(512, 512, width, height, filter == "bicubic" ? ResampleFilter.Bicubic : ResampleFilter.Bilinear);
        var actual = new byte[width * height * 3];
        resizer.Resize(Ihc.Value, actual);

        var maxDifference = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            maxDifference = Math.Max(maxDifference, Math.Abs(actual[i] - expected[i]));
        }

        Assert.True(maxDifference <= 1, $"max difference from Pillow is {maxDifference} grey levels");
    }

    [Fact]
    public void Resizer_reused_for_many_images_gives_the_same_result_as_a_fresh_one()
    {
        var reused = new PillowResizer(512, 512, 224, 224, ResampleFilter.Bicubic);
        var first = new byte[224 * 224 * 3];
        var second = new byte[224 * 224 * 3];
        reused.Resize(Ihc.Value, first);
        reused.Resize(new byte[512 * 512 * 3], second); // black in between
        reused.Resize(Ihc.Value, second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Same_size_is_a_copy()
    {
        var resizer = new PillowResizer(512, 512, 512, 512, ResampleFilter.Bicubic);
        var output = new byte[512 * 512 * 3];
        resizer.Resize(Ihc.Value, output);
        Assert.Equal(Ihc.Value, output);
    }
}

using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Tissue;
using Xunit;

namespace EdgeRuntime.Tiling.Tests.Tissue;

public sealed class TissueAlgorithmTests
{
    [Theory]
    // Hand-computed with OpenCV's 8-bit convention S = 255·(max−min)/max.
    [InlineData(255, 255, 255, 0)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(255, 0, 0, 255)]
    [InlineData(200, 100, 200, 128)] // 255·100/200 = 127.5 → 128
    [InlineData(243, 243, 241, 2)] // glass: 255·2/243 = 2.1
    public void Saturation_follows_opencv(byte r, byte g, byte b, int expected)
    {
        Assert.Equal(expected, Hsv.Saturation(r, g, b));
    }

    [Theory]
    [InlineData(255, 0, 0, 0)]
    [InlineData(0, 255, 0, 120)]
    [InlineData(0, 0, 255, 240)]
    [InlineData(255, 0, 255, 300)]
    [InlineData(40, 160, 70, 135)] // the generator's green pen: 60·(2 + (70−40)/120) = 135
    public void Hue_in_degrees(byte r, byte g, byte b, double expected)
    {
        Assert.Equal(expected, Hsv.HueDegrees(r, g, b), 6);
    }

    [Fact]
    public void Otsu_separates_two_clusters_at_the_first_best_threshold()
    {
        // {0×4} against {10×4, 11×4}: between-class variance (1/3)(2/3)(10.5)² for any t in 0..9, less beyond.
        byte[] values = [0, 0, 0, 0, 10, 10, 10, 10, 11, 11, 11, 11];
        Assert.Equal(0, OtsuThreshold.Compute(values));
    }

    [Fact]
    public void Otsu_of_three_clusters_cuts_the_widest_gap()
    {
        // Hand computation: t = 20 gives w0=0.5, w1=0.5, means 10 and 215 → 0.25·205²=10506;
        // t = 200 gives w0=0.75, means 73.3 and 230 → 0.1875·156.7² = 4602. So 20 (ties up to 199).
        byte[] values = [.. Enumerable.Repeat((byte)0, 10), .. Enumerable.Repeat((byte)20, 10), .. Enumerable.Repeat((byte)200, 10), .. Enumerable.Repeat((byte)230, 10)];
        Assert.Equal(20, OtsuThreshold.Compute(values));
    }

    [Fact]
    public void Median_filter_matches_pillows_on_a_real_image()
    {
        // Reference: Pillow's ImageFilter.MedianFilter(7) (replicated borders) on the green channel of ihc.png.
        using var dir = new TempDirectory();
        var input = dir.File("in.raw");
        var expected = dir.File("out.raw");
        ExternalTool.Python(
            "import sys; from PIL import Image, ImageFilter; g=Image.open(sys.argv[1]).convert('RGB').split()[1];"
            + " open(sys.argv[2],'wb').write(g.tobytes()); open(sys.argv[3],'wb').write(g.filter(ImageFilter.MedianFilter(7)).tobytes())",
            TestData.Image("ihc.png"), input, expected);
        var actual = MedianFilter.Apply(File.ReadAllBytes(input), 512, 512, 7);
        Assert.Equal(File.ReadAllBytes(expected), actual);
    }

    [Fact]
    public void Closing_bridges_a_gap_narrower_than_the_kernel_and_keeps_the_edges()
    {
        // Two bars one pixel apart; closing with radius 1 joins them and does not grow past their ends.
        const int w = 9, h = 3;
        byte[] mask =
        [
            0, 0, 1, 1, 0, 1, 1, 0, 0,
            0, 0, 1, 1, 0, 1, 1, 0, 0,
            0, 0, 1, 1, 0, 1, 1, 0, 0,
        ];
        Morphology.Close(mask, w, h, 1);
        byte[] row = [0, 0, 1, 1, 1, 1, 1, 0, 0];
        Assert.Equal([.. row, .. row, .. row], mask);
    }

    [Fact]
    public void Small_specks_are_removed_and_small_holes_filled_but_not_the_glass_around()
    {
        const int w = 8, h = 6;
        byte[] mask =
        [
            1, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 1, 1, 1, 1, 0, 0,
            0, 0, 1, 0, 1, 1, 0, 0,
            0, 0, 1, 1, 1, 1, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0,
        ];
        ConnectedComponents.RemoveSmallForeground(mask, w, h, minArea: 2); // the corner speck goes
        ConnectedComponents.FillSmallHoles(mask, w, h, maxArea: 2); // the one-pixel hole fills
        Assert.Equal(0, mask[0]);
        Assert.Equal(1, mask[(2 * w) + 3]);
        Assert.Equal(11 + 1, mask.Count(b => b == 1));
    }
}

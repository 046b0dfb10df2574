using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A bad command line exits 2 (as <c>edgert --help</c> and the README say), whichever command defined the option,
/// with the option named and its value described in words (issue 23 §2).
/// </summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("--tile-size: 'abc' is not a whole number.", "slide", "info", "small.svs", "--tile-size", "abc")]
    [InlineData("--target-mpp: 'half' is not a number", "slide", "info", "small.svs", "--target-mpp", "half")]
    [InlineData("'modelz'", "plugins", "activate", "modelz", "x", "1.0.0")]
    [InlineData("process", "process")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("--no-such-option", "slide", "info", "small.svs", "--no-such-option")]
    public void A_bad_command_line_exits_2_naming_what_is_wrong(string expected, params string[] args)
    {
        var (code, _, error) = Edgert.Run([.. args.Select(a => a == "small.svs" ? TestData.Slide(a) : a)]);
        Assert.True(code == 2, $"exit {code}: {error}");
        Assert.Contains(expected, error);
        Assert.Contains("--help", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public void An_invalid_override_is_named_by_its_option_with_no_consequential_error()
    {
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--tile-size", "-5");
        Assert.Equal(2, code);
        Assert.Contains("--tile-size must be between 8 and 4096 pixels (is -5)", error);
        Assert.DoesNotContain("EdgeRuntime:Tiling:TileSize", error);
        Assert.DoesNotContain("Overlap", error); // 0 is a valid overlap; only the tile size is wrong
    }

    [Fact]
    public void An_overlap_not_below_the_tile_size_is_still_refused()
    {
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--tile-size", "64", "--overlap", "64");
        Assert.Equal(2, code);
        Assert.Contains("--overlap must be at least 0 and less than TileSize (64) (is 64)", error);
    }
}

using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// µm/px options and keys take a sane range, refused under the option's name: before, <c>--target-mpp 1e308</c> was
/// taken and its grid printed with a 300-digit number, and <c>--mpp 1e308</c> was assumed for a file without one.
/// </summary>
public sealed class MicronsPerPixelRangeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("--target-mpp", "1e308", "--target-mpp must be between 0.05 and 100 µm/px (is 1E+308).")]
    [InlineData("--target-mpp", "0.001", "--target-mpp must be between 0.05 and 100 µm/px (is 0.001).")]
    [InlineData("--mpp", "1e308", "--mpp must be between 0.05 and 20 µm/px")]
    [InlineData("--mpp", "0.01", "--mpp must be between 0.05 and 20 µm/px")]
    public void An_absurd_resolution_on_the_command_line_exits_2_naming_the_option(string option, string value, string expected)
    {
        var (code, output, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void The_ends_of_the_range_are_taken()
    {
        Assert.Equal(0, Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--target-mpp", "100").ExitCode);
        Assert.Equal(0, Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--target-mpp", "0.05", "--mpp", "20").ExitCode);
    }

    [Fact]
    public void An_absurd_resolution_in_a_configuration_file_is_named_by_its_key()
    {
        var config = temp.File("config.json");
        File.WriteAllText(config, """{ "EdgeRuntime": { "Tiling": { "TargetMicronsPerPixel": 1e308 } } }""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Tiling:TargetMicronsPerPixel must be between 0.05 and 100 µm/px (is 1E+308).", error);
    }
}

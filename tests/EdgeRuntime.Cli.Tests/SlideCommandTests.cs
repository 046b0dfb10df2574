using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

public sealed class SlideCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Info_prints_format_levels_resolution_source_properties_and_tissue()
    {
        var (code, output, error) = Edgert.Run("slide", "info", TestData.Slide("CMU-1-Small-Region.svs"));
        Assert.True(code == 0, error);
        Assert.Contains("Format:      aperio", output);
        Assert.Contains("2220 x 2967", output);
        Assert.Contains("0.499 x 0.499 µm/px, from the scanner's calibration", output);
        Assert.Contains("aperio.AppMag = 20", output);
        Assert.Contains("label 387x463", output);
        Assert.Matches(@"Tissue:\s+\d+\.\d% of the slide", output);
    }

    [Fact]
    public void Info_as_json_carries_the_same_facts()
    {
        var (code, output, _) = Edgert.Run("slide", "info", TestData.Slide("test3-DAPI-2.ndpi"), "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("hamamatsu", root.GetProperty("format").GetString());
        Assert.Equal(7, root.GetProperty("levels").GetArrayLength());
        Assert.Equal("SlideProperty", root.GetProperty("resolution").GetProperty("source").GetString());
        Assert.Equal(0.2282, root.GetProperty("resolution").GetProperty("micronsPerPixelX").GetDouble(), 3);
        Assert.True(root.GetProperty("properties").TryGetProperty("hamamatsu.SourceLens", out _));
    }

    [Fact]
    public void Info_on_an_image_without_calibration_says_the_default_was_used()
    {
        var (code, output, _) = Edgert.Run("slide", "info", TestData.Image("ihc.png"), "--mpp", "0.25");
        Assert.Equal(0, code);
        Assert.Contains("0.25 x 0.25 µm/px, from the configured default", output);
    }

    [Fact]
    public void Thumbnail_writes_a_png_of_the_asked_size()
    {
        var target = temp.File("thumb.png");
        var (code, output, error) = Edgert.Run("slide", "thumbnail", TestData.Slide("CMU-1-Small-Region.svs"), "-o", target, "--size", "400");
        Assert.True(code == 0, error);
        Assert.Contains("tiles of 224 px", output);
        // Pillow reads it back: 2220x2967 scaled to a 400 px long side is 299x400.
        var size = ExternalTool.Python("import sys; from PIL import Image; im=Image.open(sys.argv[1]); print(im.format, im.size[0], im.size[1])", target).Trim();
        Assert.Equal("PNG 299 400", size);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
    }

    [Fact]
    public void Unreadable_input_exits_1_with_the_file_and_the_reason()
    {
        var path = temp.File("empty.svs");
        File.WriteAllBytes(path, []);
        var (code, _, error) = Edgert.Run("slide", "info", path);
        Assert.Equal(1, code);
        Assert.Contains(path, error);
        Assert.Contains("empty", error);
        Assert.DoesNotContain("   at ", error); // one line for a person, not a stack trace
    }

    [Fact]
    public void Pixel_read_failure_exits_1_naming_the_file()
    {
        var path = TestData.Slide("unreadable.svs");
        var (code, _, error) = Edgert.Run("slide", "info", path);
        Assert.Equal(1, code);
        Assert.Contains(path, error);
        Assert.Contains("Bogus marker length", error);
    }

    [Fact]
    public void Invalid_option_value_exits_2_naming_the_option()
    {
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--tile-size", "3");
        Assert.Equal(2, code);
        Assert.Contains("--tile-size must be between 8 and 4096", error);
    }

    // The configuration is checked once, with the command line applied: a configured value the command line replaces
    // is not judged (it was, when the file was checked alone before the overrides and then again after them).
    [Fact]
    public void A_command_line_value_replaces_an_invalid_configured_one_and_the_rest_is_still_checked()
    {
        var config = temp.File("tiles.json");
        File.WriteAllText(config, """{ "EdgeRuntime": { "Tiling": { "TileSize": 3 } } }""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config, "--tile-size", "224");
        Assert.True(code == 0, error);

        File.WriteAllText(config, """{ "EdgeRuntime": { "Tiling": { "TileSize": 3, "Overlap": -1 } } }""");
        (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config, "--tile-size", "224");
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Tiling:Overlap", error);
        Assert.DoesNotContain("EdgeRuntime:Tiling:TileSize", error);
    }

    [Fact]
    public void Invalid_configuration_file_value_exits_2_naming_the_key()
    {
        var config = temp.File("bad.json");
        File.WriteAllText(config, """{ "EdgeRuntime": { "Tissue": { "MedianKernelSize": 6 }, "Tiling": { "TileSzie": 3 } } }""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("TileSzie", error); // a misspelt key is reported, not silently ignored
    }

    [Fact]
    public void Malformed_configuration_json_exits_2_with_the_file_line_and_column()
    {
        var config = temp.File("malformed.json");
        // The second comma on line 3 is at column 33 (counted by hand: four spaces, then "Tiling": { "TileSize": 224,).
        File.WriteAllText(config, "{\n  \"EdgeRuntime\": {\n    \"Tiling\": { \"TileSize\": 224,, }\n  }\n}\n");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains(config, error);
        Assert.Contains("line 3, column 33", error);
    }

    [Fact]
    public void Run_help_names_the_keys_a_site_sets_first()
    {
        var (code, output, _) = Edgert.Run("run", "--help");
        Assert.Equal(0, code);
        foreach (var key in new[] { "EdgeRuntime:Inbox:Path", "EdgeRuntime:Journal:DatabasePath", "EdgeRuntime:Processing:ModelPackage", "EdgeRuntime:Plugins:Root", "EdgeRuntime:Mqtt:Host", "EdgeRuntime:Broker:ReadOnlyAccounts", "appsettings.json" })
        {
            Assert.Contains(key, output);
        }

        // The file it points to explains those keys in comments, and edgert still reads it (every run here does).
        var shipped = File.ReadAllLines(Path.Combine(TestData.RepoRoot, "config", "appsettings.json"));
        foreach (var key in new[] { "EdgeRuntime:Inbox:Path", "EdgeRuntime:Journal:DatabasePath", "EdgeRuntime:Plugins:Root", "EdgeRuntime:Mqtt:Host", "EdgeRuntime:Broker:ReadOnlyAccounts" })
        {
            Assert.Contains(shipped, l => l.TrimStart().StartsWith("//", StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_fresh_install_runs_tagging_segmentation_and_the_retrieval_index()
    {
        // The shipped configuration alone (no --config): the mission's three tasks are active; features only when added.
        var (code, output, error) = Edgert.Run("tasks", "list");
        Assert.True(code == 0, error);
        var active = output.Split('\n').Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0])).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(["zero-shot-tagging", "zero-shot-segmentation", "retrieval-index"], active);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("slide", "--help")]
    [InlineData("slide", "info", "--help")]
    [InlineData("slide", "thumbnail", "--help")]
    [InlineData("tasks", "request", "--help")]
    [InlineData("tasks", "list", "--help")]
    public void Every_command_has_help(params string[] args)
    {
        var (code, output, _) = Edgert.Run(args);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
    }
}

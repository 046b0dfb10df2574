using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A <c>--config</c> path that is not a configuration file (a folder, a named pipe, a link to a device, a huge file,
/// JSON that is not an object) is refused at once with the path and what it is, exit 2; before, a pipe or a link to
/// <c>/dev/zero</c> kept edgert reading for ever, a folder was "not found" and a top-level array gave no reason.
/// </summary>
public sealed class ConfigurationFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_named_pipe_is_refused_without_waiting_for_a_writer()
    {
        var pipe = temp.File("site.json");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        AssertRefused(pipe, "a named pipe (FIFO), not a configuration file.");
    }

    [Fact]
    public void A_link_to_an_endless_device_is_refused_naming_the_target()
    {
        var link = temp.File("site.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        AssertRefused(link, "a link to /dev/zero, a character device, not a configuration file.");
    }

    [Fact]
    public void A_folder_is_called_a_folder()
    {
        var folder = Directory.CreateDirectory(temp.File("site.json")).FullName;
        AssertRefused(folder, "a folder, not a configuration file.");
    }

    [Fact]
    public void A_dangling_link_says_where_it_leads()
    {
        var link = temp.File("site.json");
        File.CreateSymbolicLink(link, temp.File("gone.json"));
        AssertRefused(link, $"a link to {temp.File("gone.json")}, which does not exist.");
    }

    [Fact]
    public void A_file_over_a_mebibyte_is_refused_with_its_size_even_when_it_is_valid_json()
    {
        var big = temp.File("site.json");
        File.WriteAllText(big, "{\"EdgeRuntime\":{}" + new string(' ', 2 << 20) + "}");
        AssertRefused(big, $"{new FileInfo(big).Length:N0} bytes; a configuration file is at most 1,048,576 bytes.");
    }

    [Fact]
    public void A_link_to_a_regular_file_is_read()
    {
        var real = temp.File("real.json");
        File.WriteAllText(real, """{"EdgeRuntime":{"Tiling":{"TileSize":256}}}""");
        var link = temp.File("site.json");
        File.CreateSymbolicLink(link, real);
        var (code, output, error) = Run(link);
        Assert.True(code == 0, error);
        Assert.Contains("at 256 px", output);
    }

    [Theory]
    [InlineData("[1, 2]", "Top-level JSON element must be an object")]
    [InlineData("""{"EdgeRuntime":{"Tiling":{"TileSize":256,"TileSize":512}}}""", "duplicate key")]
    public void Valid_json_that_is_not_a_configuration_says_why(string json, string reason)
    {
        var config = temp.File("site.json");
        File.WriteAllText(config, json);
        var (code, _, error) = Run(config);
        Assert.Equal(2, code);
        Assert.Contains(config, error);
        Assert.Contains(reason, error);
        DotnetNames.AssertNone(error);
    }

    private static void AssertRefused(string config, string why)
    {
        var (code, _, error) = Run(config);
        Assert.Equal(2, code);
        Assert.Contains($"{config}: {why}", error);
        DotnetNames.AssertNone(error);
    }

    // A guard, not a timing: without the check a pipe blocks the reader until a writer comes, which is never.
    private static (int ExitCode, string Out, string Error) Run(string config)
    {
        var run = Task.Run(() => Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config));
        Assert.True(run.Wait(TimeSpan.FromMinutes(2)), $"edgert was still reading {config}");
        return run.Result;
    }
}

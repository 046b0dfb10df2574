using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Every key under EdgeRuntime, from every source, is one an options class binds: a misspelt section or key stops the
/// command with its path, where it was set, and the nearest valid name (issue 23 §2).
/// </summary>
public sealed class ConfigurationKeyTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("""{"EdgeRuntime":{"Tilling":{"TileSize":448}}}""", "EdgeRuntime:Tilling", "'Tiling'")]
    [InlineData("""{"EdgeRuntime":{"Mqt":{"Host":"lis-broker.example"}}}""", "EdgeRuntime:Mqt", "'Mqtt'")]
    [InlineData("""{"EdgeRuntime":{"Mqtt":{"Tls":{"CAFil":"ca.pem"}}}}""", "EdgeRuntime:Mqtt:Tls:CAFil", "'CaFile'")]
    [InlineData("""{"EdgeRuntime":{"Broker":{"ReadOnlyAccounts":[{"Usernme":"lis","Password":"x"}]}}}""", "EdgeRuntime:Broker:ReadOnlyAccounts:0:Usernme", "'Username'")]
    [InlineData("""{"EdgeRuntme":{"Tiling":{"TileSize":448}}}""", "'EdgeRuntme'", "'EdgeRuntime'")]
    public void An_unknown_section_or_key_in_a_file_is_refused_with_its_path_the_file_and_the_nearest_name(string json, string path, string suggestion)
    {
        var config = temp.File("site.json");
        File.WriteAllText(config, json);
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains(path, error);
        Assert.Contains(config, error);
        Assert.Contains("did you mean " + suggestion + "?", error);
        Assert.DoesNotContain("?.", error, StringComparison.Ordinal); // the question ends the sentence
    }

    [Fact]
    public void An_unknown_section_in_an_environment_variable_is_refused_naming_the_variable()
    {
        var (code, _, error) = EdgertProcess.Run(new Dictionary<string, string> { ["EdgeRuntime__Tilng__TileSize"] = "448" }, null, "slide", "info", TestData.Slide("small.svs"));
        Assert.Equal(2, code);
        Assert.Contains("environment variable EdgeRuntime__Tilng__TileSize", error);
        Assert.Contains("did you mean 'Tiling'", error);
    }

    [Fact]
    public void Known_sections_task_names_and_list_items_pass()
    {
        var config = temp.File("site.json");
        File.WriteAllText(config, """
            {"EdgeRuntime":{
              "Tiling":{"TileSize":256},
              "Processing":{"TaskSettings":{"any-task-name":{"AnyKey":"1"}}},
              "Inference":{"ExecutionProviders":["CPU"]},
              "Pipeline":{"BatchSize":16}
            }}
            """);
        var (code, output, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.True(code == 0, error);
        Assert.Contains("at 256 px", output);
    }

    [Theory]
    [InlineData("""{"EdgeRuntime":{"Tiling":{"TileSize":"abc"}}}""", "EdgeRuntime:Tiling:TileSize must be a whole number (is 'abc')")]
    [InlineData("""{"EdgeRuntime":{"Tiling":{"IncludeEdgeTiles":"sometimes"}}}""", "EdgeRuntime:Tiling:IncludeEdgeTiles must be true or false (is 'sometimes')")]
    [InlineData("""{"EdgeRuntime":{"Inference":{"ExecutionProviders":"CUDA"}}}""", "EdgeRuntime:Inference:ExecutionProviders is a list")]
    [InlineData("""{"EdgeRuntime":{"Tiling":{"TileSize":{"Value":3}}}}""", "EdgeRuntime:Tiling:TileSize is one value (a whole number), not a section")]
    public void A_value_of_the_wrong_kind_is_refused_in_words_without_dotnet_type_names(string json, string expected)
    {
        var config = temp.File("site.json");
        File.WriteAllText(config, json);
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        DotnetNames.AssertNone(error);
    }
}

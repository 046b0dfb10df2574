using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Cli.Hosting;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// Each component binds and checks its own configuration section as it registers (issue 24 §3), and start-up still
/// reports every problem of every section together, each with its full path, before anything starts.
/// </summary>
public sealed class ComponentSectionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_bad_value_in_every_section_is_reported_with_its_path_in_one_start_up_error()
    {
        // One wrong value in each section; the CLI checks none of them itself, so a component that stopped checking
        // its own section would leave its line out.
        var missingRoot = System.Text.Json.JsonSerializer.Serialize(temp.File("no-plugins-here"));
        var share = System.Text.Json.JsonSerializer.Serialize(temp.Path);
        var config = Write("""
            {"EdgeRuntime":{
              "Slides":{"DefaultMicronsPerPixel":-1},
              "Tissue":{"Detector":"no-such-detector"},
              "Tiling":{"TileSize":2},
              "Inference":{"InterOpThreads":0},
              "Pipeline":{"Readers":65},
              "ZeroShot":{"TextEmbeddingCache":""},
              "Models":{"DefaultPackage":""},
              "Inbox":{"QuietPeriodSeconds":-1},
              "Journal":{"CheckIntervalSeconds":0},
              "Processing":{"SlidesInFlight":17},
              "Mqtt":{"Port":0},
              "Broker":{"ConnectTimeoutSeconds":0},
              "Plugins":{"Root":
            """ + missingRoot + """
            },
              "Operations":{"Enabled":true,"Port":70000},
              "Cases":{"Sources":["no-such-source"]},
              "Lis":{"RetrySeconds":0},
              "Fleet":{"Enabled":true,"SharedRoot":
            """ + share + """
            }}}
            """);

        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);

        Assert.Equal(2, code);
        Assert.Single(error.Split('\n'), l => l.Contains("Invalid configuration", StringComparison.Ordinal));
        string[] expected =
        [
            "EdgeRuntime:Slides:DefaultMicronsPerPixel must be between 0.05 and 20 µm/px",
            "EdgeRuntime:Tissue:Detector 'no-such-detector' is not one of",
            "EdgeRuntime:Tiling:TileSize",
            "EdgeRuntime:Inference:InterOpThreads must be at least 1 (is 0)",
            "EdgeRuntime:Pipeline:Readers must be 0 (one per core) or between 1 and 64",
            "EdgeRuntime:ZeroShot:TextEmbeddingCache must name a folder",
            "EdgeRuntime:Models:DefaultPackage must name a folder",
            "EdgeRuntime:Inbox:QuietPeriodSeconds must be zero or positive (is -1)",
            "EdgeRuntime:Journal:CheckIntervalSeconds must be positive (is 0)",
            "EdgeRuntime:Processing:SlidesInFlight must be between 1 and 16 (is 17)",
            "EdgeRuntime:Mqtt:Port must be between 1 and 65535 (is 0)",
            "EdgeRuntime:Broker:ConnectTimeoutSeconds must be more than 0 and at most 600 (is 0)",
            "EdgeRuntime:Plugins:Root: ",
            "EdgeRuntime:Operations:Port must be between 0 and 65535 (is 70000)",
            "EdgeRuntime:Cases:Sources:0 is 'no-such-source'",
            "EdgeRuntime:Lis:RetrySeconds must be more than 0 and at most 3600 (is 0)",
            "EdgeRuntime:Fleet:Enabled is true, but EdgeRuntime:Mqtt:Host is empty",
        ];
        Assert.All(expected, line => Assert.Contains(line, error, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_bad_keys_in_two_sections_are_both_reported_by_the_service_too()
    {
        var config = Write("""{"EdgeRuntime":{"Inbox":{"QuietPeriodSeconds":-1},"Journal":{"CheckIntervalSeconds":0}}}""");
        var (code, _, error) = Edgert.Run("run", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Inbox:QuietPeriodSeconds must be zero or positive (is -1).", error, StringComparison.Ordinal);
        Assert.Contains("EdgeRuntime:Journal:CheckIntervalSeconds must be positive (is 0).", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_service_composition_binds_every_section_through_its_component()
    {
        // The sections the key check accepts are those the components bound: a section left unbound would be refused
        // as unknown, so every section edgert documents must come out of the composition.
        var documented = new ConfigurationBuilder().AddJsonFile(Path.Combine(TestData.RepoRoot, "config", "appsettings.json")).Build()
            .GetSection("EdgeRuntime").GetChildren().Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        var sections = new ComponentSections(new ConfigurationBuilder().Build(), temp.Path);

        new ServiceCollection().AddEdgeRuntime(sections);

        Assert.NotEmpty(documented);
        Assert.Subset(sections.Sections.Select(s => s.Section).ToHashSet(StringComparer.Ordinal), documented);
    }

    private string Write(string json)
    {
        var path = temp.File("site.json");
        File.WriteAllText(path, json);
        return path;
    }
}

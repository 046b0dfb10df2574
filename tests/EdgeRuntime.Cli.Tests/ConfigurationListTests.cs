using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A list set by a later configuration layer (the --config file, an environment variable) replaces the shipped list
/// whole. .NET merges lists item by item, so a site could not configure fewer case-identifier sources than we ship
/// (found while auditing issue 27: <c>["sidecar","file-name"]</c> became four sources and start-up refused them).
/// Expected lists are written by hand from the layers each test writes.
/// </summary>
public sealed class ConfigurationListTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Layer(string name, string json)
    {
        var path = temp.File(name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string[] List(IConfiguration configuration, string key) =>
        configuration.GetSection(key).GetChildren().Select(c => c.Value ?? "").ToArray();

    [Fact]
    public void A_shorter_longer_or_empty_list_in_a_later_file_replaces_the_earlier_list_and_objects_still_merge()
    {
        var shipped = Layer("shipped.json", """
            {"EdgeRuntime":{
              "Cases":{"Sources":["sidecar","label-barcode","properties","file-name"],"FileNamePattern":"x"},
              "Inference":{"ExecutionProviders":["CUDA","CPU"],"Int8GateSlides":["/a","/b"]},
              "Broker":{"ReadOnlyAccounts":[{"Username":"lis","Password":"p"},{"Username":"lis2","Password":"q"}]}
            }}
            """);
        var site = Layer("site.json", """
            {"EdgeRuntime":{
              "Cases":{"Sources":["sidecar","file-name"]},
              "Inference":{"ExecutionProviders":["CPU","CUDA","CPU"],"Int8GateSlides":[]},
              "Broker":{"ReadOnlyAccounts":[{"Username":"ris","Password":"r"}]}
            }}
            """);
        var configuration = ListsReplaceWhole.Build(new ConfigurationBuilder().AddJsonFile(shipped).AddJsonFile(site));

        Assert.Equal(["sidecar", "file-name"], List(configuration, "EdgeRuntime:Cases:Sources"));
        Assert.Equal(["CPU", "CUDA", "CPU"], List(configuration, "EdgeRuntime:Inference:ExecutionProviders"));
        Assert.Empty(List(configuration, "EdgeRuntime:Inference:Int8GateSlides"));
        Assert.Equal("ris", configuration["EdgeRuntime:Broker:ReadOnlyAccounts:0:Username"]);
        Assert.Null(configuration["EdgeRuntime:Broker:ReadOnlyAccounts:1:Username"]);
        Assert.Equal("x", configuration["EdgeRuntime:Cases:FileNamePattern"]); // not a list: merged as before
    }

    [Fact]
    public void A_list_item_from_an_environment_variable_replaces_the_files_list()
    {
        var shipped = Layer("shipped.json", """{"EdgeRuntime":{"Cases":{"Sources":["sidecar","label-barcode","properties","file-name"]}}}""");
        var environment = new Dictionary<string, string?> { ["EdgeRuntime:Cases:Sources:0"] = "file-name" };
        var configuration = ListsReplaceWhole.Build(new ConfigurationBuilder().AddJsonFile(shipped).AddInMemoryCollection(environment));

        Assert.Equal(["file-name"], List(configuration, "EdgeRuntime:Cases:Sources"));
    }

    [Fact]
    public void A_site_file_with_two_case_sources_starts_edgert_where_it_was_refused_as_naming_one_twice()
    {
        var site = Layer("site.json", """{"EdgeRuntime":{"Cases":{"Sources":["sidecar","file-name"]}}}""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", site);
        Assert.True(code == 0, error);

        var (envCode, _, envError) = EdgertProcess.Run(new Dictionary<string, string> { ["EdgeRuntime__Cases__Sources__0"] = "file-name" }, null, "slide", "info", TestData.Slide("small.svs"));
        Assert.True(envCode == 0, envError);
    }
}

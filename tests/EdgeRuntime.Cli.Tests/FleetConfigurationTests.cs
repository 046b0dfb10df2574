using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// EdgeRuntime:Fleet is bound and validated at start-up with the rest: a fleet on the embedded broker (no shared
/// subscriptions) is refused naming the keys; its settings are checked with their paths; a misspelt key is refused
/// like any other (docs/fleet.md).
/// </summary>
public sealed class FleetConfigurationTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_fleet_on_the_embedded_broker_is_refused_naming_the_keys()
    {
        var config = Write("""{"EdgeRuntime":{"Fleet":{"Enabled":true,"SharedRoot":""" + System.Text.Json.JsonSerializer.Serialize(temp.Path) + "}}}");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Fleet:Enabled is true, but EdgeRuntime:Mqtt:Host is empty", error);
        Assert.Contains("no MQTT 5 shared subscriptions", error);
    }

    [Fact]
    public void Fleet_settings_are_checked_with_their_paths()
    {
        var config = Write("""{"EdgeRuntime":{"Mqtt":{"Host":"127.0.0.1","NodeId":"fleet"},"Fleet":{"Enabled":true,"SharedRoot":"relative/share","Group":"a/b","LeaseSeconds":1}}}""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Fleet:SharedRoot must be the absolute path", error);
        Assert.Contains("EdgeRuntime:Fleet:Group must be a non-empty topic level", error);
        Assert.Contains("EdgeRuntime:Fleet:LeaseSeconds must be 3 to 86400 (is 1)", error);
        Assert.Contains("EdgeRuntime:Mqtt:NodeId cannot be 'fleet' in a fleet", error);
        Assert.DoesNotContain("embedded broker", error);
    }

    [Fact]
    public void A_misspelt_fleet_key_is_refused_with_the_nearest_name()
    {
        var config = Write("""{"EdgeRuntime":{"Fleet":{"LeaseSecond":30}}}""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.Equal(2, code);
        Assert.Contains("EdgeRuntime:Fleet:LeaseSecond", error);
        Assert.Contains("did you mean 'LeaseSeconds'?", error);
    }

    [Fact]
    public void Fleet_settings_are_ignored_while_the_fleet_is_off()
    {
        // A single box (the default) does nothing new, whatever the fleet's other settings say.
        var config = Write("""{"EdgeRuntime":{"Fleet":{"Enabled":false,"LeaseSeconds":1}}}""");
        var (code, _, error) = Edgert.Run("slide", "info", TestData.Slide("small.svs"), "--config", config);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void Search_help_documents_the_fleet_options()
    {
        var (code, output, _) = Edgert.Run("search", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--fleet", output);
        Assert.Contains("--deadline", output);
        Assert.Contains("EDGERT_MQTT_PASSWORD", output);
    }

    private string Write(string json)
    {
        var path = temp.File("site.json");
        File.WriteAllText(path, json);
        return path;
    }
}

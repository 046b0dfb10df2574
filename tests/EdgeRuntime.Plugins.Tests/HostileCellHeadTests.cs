using EdgeRuntime.Inference.Heads;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Cell heads whose every hash is right but whose graph makes ONNX Runtime allocate without bound or hang are refused
/// with the reason by the same verification in a child edgert process that model packages pass, and this process
/// (the test host, standing in for the service) keeps serving with its head. Before, a head's graph was opened here
/// (only model packages went through the child): the 8 GiB tensor would be allocated in the service, and the endless
/// loop was accepted, to hold the cells task forever on the first slide.
/// </summary>
public sealed class HostileCellHeadTests
{
    [Theory]
    [InlineData("allocates", "exceeded the memory limit of 512 MiB (EdgeRuntime:Plugins:VerifyModelMemoryMiB)")]
    [InlineData("hangs", "did not finish verification within 30 s (EdgeRuntime:Plugins:VerifyModelTimeoutSeconds); the verification process was killed")]
    public async Task A_hostile_head_version_is_refused_with_its_reason_and_the_running_head_keeps_serving(string kind, string reason)
    {
        using var w = await PluginWorkspace.CreateAsync(
            isolated: true,
            family: "uni",
            configuredHead: root => SyntheticCellHeads.Write(Path.Combine(root, "..", "configured-head"), Path.Combine(root, "models", "uni", "1.0.0"), "configured", "1.0.0", ["c-cell"]));
        var uni = Path.Combine(w.Root, "models", "uni", "1.0.0");
        var serving = w.Models.Current;
        SyntheticCellHeads.Install(w.Root, uni, "hostile", "6.6.6", ["x-cell"], hostile: kind);

        var outcome = await PluginControllerTests.Activate(w, Head("hostile", "6.6.6"));

        Assert.False(outcome.Accepted);
        Assert.Contains(reason, outcome.Reason, StringComparison.Ordinal);
        var refused = w.Events()[^1];
        Assert.Equal("refused", refused["event"]!.GetValue<string>());
        Assert.Contains(reason, refused["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // `edgert plugins list` gives the kept reason beside the version, for the model that runs (a head is
        // verified on its model's tokens, and its verdict is kept for the pair).
        var config = Path.Combine(w.Root, "..", "list-config.json");
        File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                Plugins = new { w.Options.Root, w.Options.ActiveFile },
                Processing = new { ModelPackage = uni },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
            },
        }));
        var listed = PluginCommandTests.Listing(config);
        Assert.Contains($"heads hostile 6.6.6 refused: ", listed, StringComparison.Ordinal);
        Assert.Contains(reason, listed.Split('\n').Single(l => l.Contains("hostile 6.6.6", StringComparison.Ordinal)), StringComparison.Ordinal);

        // The head that ran still runs.
        Assert.Same(serving, w.Models.Current);
        Assert.Equal("configured", w.Models.Current.CellHead!.Identity.Id);
        Assert.False(w.Models.Current.CellHead.IsDisposed);

        // And the next good head is taken, verified in its child as well.
        SyntheticCellHeads.Install(w.Root, uni, "nuclei", "1.0.0", ["a-cell"]);
        var next = await PluginControllerTests.Activate(w, Head("nuclei", "1.0.0"));
        Assert.True(next.Accepted, next.Reason);
        Assert.Equal("nuclei", w.Models.Current.CellHead!.Identity.Id);
    }

    [Fact]
    public async Task A_hostile_configured_head_is_refused_at_load_with_its_reason()
    {
        // The configured head (EdgeRuntime:Processing:CellHead), met at start, goes through the same child.
        var e = await Assert.ThrowsAsync<CellHeadException>(() => PluginWorkspace.CreateAsync(
            isolated: true,
            family: "uni",
            configuredHead: root => SyntheticCellHeads.Write(Path.Combine(root, "..", "configured-head"), Path.Combine(root, "models", "uni", "1.0.0"), "configured", "1.0.0", ["c-cell"], hostile: "allocates")));

        Assert.Contains("exceeded the memory limit of 512 MiB (EdgeRuntime:Plugins:VerifyModelMemoryMiB)", e.Message, StringComparison.Ordinal);
    }

    private static PluginRef Head(string id, string version) => new(PluginRef.Heads, id, version);
}

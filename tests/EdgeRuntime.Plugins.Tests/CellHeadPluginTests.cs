using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>
/// Cell heads as a plugin kind (<c>heads/{id}/{version}</c>), through the service's one <see cref="PluginController"/>
/// on the UNI twin (the model whose dense tokens the heads read): activated over the configured head, swapped with a
/// slide in flight keeping its head until it ends, rolled back, refused with each reason while the active head keeps
/// serving (another encoder, the same encoder id with other weights, a broken manifest, a missing or junk graph), a model
/// swap the running head does not fit refused, and deactivated back to the configured head.
/// </summary>
public sealed class CellHeadPluginTests
{
    private static readonly string[] Damages = ["foreign", "other-weights", "broken", "no-onnx", "junk", "junk-hash"];

    [Fact]
    public async Task A_head_is_activated_swapped_rolled_back_refused_with_reasons_and_deactivated_to_the_configured_one()
    {
        using var w = await PluginWorkspace.CreateAsync(
            family: "uni",
            configuredHead: root => SyntheticCellHeads.Write(Path.Combine(root, "..", "configured-head"), Path.Combine(root, "models", "uni", "1.0.0"), "configured", "1.0.0", ["c-cell"]));
        var uni = Path.Combine(w.Root, "models", "uni", "1.0.0");
        Assert.Equal("configured", w.Models.Current.CellHead!.Identity.Id);
        var configured = w.Models.Current.CellHead;

        SyntheticCellHeads.Install(w.Root, uni, "nuclei", "1.0.0", ["a-cell"]);
        SyntheticCellHeads.Install(w.Root, uni, "nuclei", "1.1.0", ["b-cell"]);
        foreach (var damage in Damages)
        {
            Damage(w.Root, damage);
        }

        // Activated: the model runtime is reloaded with it; the configured head, used by no slide, is released.
        var activated = await Activate(w, Head("nuclei", "1.0.0"));
        Assert.True(activated.Accepted, activated.Reason);
        Assert.Equal(("nuclei", "1.0.0"), (w.Models.Current.CellHead!.Identity.Id, w.Models.Current.CellHead.Identity.Version));
        Assert.Equal(Sha(Path.Combine(w.Root, "heads", "nuclei", "1.0.0", "head.json")), w.Models.Current.CellHead.Identity.Sha256);
        Assert.True(configured.IsDisposed);
        var listed = w.Controller.Describe();
        Assert.Equal("1.0.0", listed["active"]!["head"]!["version"]!.GetValue<string>());
        Assert.Contains(listed["versions"]!.AsArray(), v => v!["kind"]!.GetValue<string>() == "heads" && v["version"]!.GetValue<string>() == "1.0.0" && v["active"]!.GetValue<bool>());

        // Swapped while a slide is in flight: the slide keeps 1.0.0 until it ends, then 1.0.0's session goes.
        var slide = w.Models.Acquire();
        var swapped = await Activate(w, Head("nuclei", "1.1.0"));
        Assert.True(swapped.Accepted, swapped.Reason);
        Assert.Equal("1.0.0", slide.Value.CellHead!.Identity.Version);
        Assert.Equal("1.1.0", w.Models.Current.CellHead!.Identity.Version);
        Assert.False(slide.Value.CellHead.IsDisposed);
        var old = slide.Value.CellHead;
        slide.Dispose();
        Assert.True(old.IsDisposed);
        Assert.Equal("1.1.0", w.Controller.ActiveVersion("heads", "nuclei"));

        // Rolled back, and the active file says so for the next start.
        Assert.True((await Activate(w, Head("nuclei", "1.0.0"))).Accepted);
        Assert.Equal(Head("nuclei", "1.0.0"), ActivePlugins.Read(w.Options.ActiveFile).Head);

        // Refused, each with its reason, while 1.0.0 keeps serving.
        var serving = w.Models.Current;
        var expected = new Dictionary<string, string[]>
        {
            ["foreign"] = ["encoder: trained on model 'virchow2' 1.0.0", "but the model is 'uni' 1.0.0", "a head reads only the tokens of the encoder it was trained on"],
            ["other-weights"] = ["encoder: trained on model 'uni' 1.0.0 (model.json sha256 000000000000", "but the model is 'uni' 1.0.0 (sha256 "],
            ["broken"] = ["head.json:", "colours"],
            ["no-onnx"] = ["head.onnx: listed in head.json but missing."],
            ["junk"] = ["head.onnx: ONNX Runtime cannot load it"],
            ["junk-hash"] = ["head.onnx: SHA-256 is", "head.json says"],
        };
        foreach (var damage in Damages)
        {
            var refused = await Activate(w, Head(damage, "1.0.0"));
            Assert.False(refused.Accepted, damage);
            foreach (var part in expected[damage])
            {
                Assert.Contains(part, refused.Reason, StringComparison.Ordinal);
            }

            Assert.Same(serving, w.Models.Current);
            Assert.False(serving.CellHead!.IsDisposed);
            Assert.Equal("refused", w.Events()[^1]["event"]!.GetValue<string>());
            Assert.Contains(expected[damage][0], w.Events()[^1]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(Head("nuclei", "1.0.0"), ActivePlugins.Read(w.Options.ActiveFile).Head);

        // A model the running head was not trained on is refused: its tokens would mean nothing to the head.
        PluginRoots.CopyDirectory(FamilyTwins.Package("virchow2"), Path.Combine(w.Root, "models", "virchow2", "1.0.0"));
        var otherModel = await Activate(w, new PluginRef(PluginRef.Models, "virchow2", "1.0.0"));
        Assert.False(otherModel.Accepted);
        Assert.Contains("encoder: trained on model 'uni' 1.0.0", otherModel.Reason, StringComparison.Ordinal);
        Assert.Contains("but the model is 'virchow2' 1.0.0", otherModel.Reason, StringComparison.Ordinal);
        Assert.Same(serving, w.Models.Current);

        // Deactivated: the configured head runs again; a head that is not active cannot be deactivated.
        var off = await w.Controller.DeactivateAsync(Head("nuclei", "-"), "test", "corr", CancellationToken.None);
        Assert.True(off.Accepted, off.Reason);
        Assert.Equal("configured", w.Models.Current.CellHead!.Identity.Id);
        Assert.Null(ActivePlugins.Read(w.Options.ActiveFile).Head);
        Assert.True(serving.CellHead!.IsDisposed);
        var again = await w.Controller.DeactivateAsync(Head("nuclei", "-"), "test", "corr", CancellationToken.None);
        Assert.False(again.Accepted);
        Assert.Contains("cell head 'nuclei' is not active", again.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_is_verified_against_the_running_model_before_the_active_file_names_it()
    {
        using var temp = new TempDirectory();
        var root = temp.File("plugins");
        var uni = Path.Combine(root, "models", "uni", "1.0.0");
        PluginRoots.CopyDirectory(FamilyTwins.Package("uni"), uni);
        SyntheticCellHeads.Install(root, uni, "nuclei", "1.0.0", ["a-cell"]);
        SyntheticCellHeads.Install(root, FamilyTwins.Package("virchow2"), "foreign", "1.0.0", ["a-cell"]);
        var options = new PluginOptions { Root = root, ActiveFile = temp.File("state/active-plugins.json") };

        PluginVerifier.Verify(Head("nuclei", "1.0.0"), options, PluginWorkspace.Inference, new RecordingLogger(), uni);
        var e = Assert.Throws<Inference.Heads.CellHeadException>(() => PluginVerifier.Verify(Head("foreign", "1.0.0"), options, PluginWorkspace.Inference, new RecordingLogger(), uni));
        Assert.Contains("encoder: trained on model 'virchow2'", e.Message, StringComparison.Ordinal);

        // At start, a head in the active file that does not fit is left out with its reason, and the configured one runs.
        new ActivePlugins(null, null, Head: Head("foreign", "1.0.0")).Write(options.ActiveFile);
        var refused = new List<StartingPlugins.Refusal>();
        var usable = StartingPlugins.UsableModelParts(options, PluginWorkspace.Inference, uni, new RecordingLogger(), refused);
        Assert.Null(usable.Head);
        Assert.Equal("heads/foreign/1.0.0", Assert.Single(refused).Plugin);
        Assert.Contains("but the model is 'uni'", refused[0].Reason, StringComparison.Ordinal);
    }

    private static Task<PluginOutcome> Activate(PluginWorkspace w, PluginRef plugin) => PluginControllerTests.Activate(w, plugin);

    private static PluginRef Head(string id, string version) => new(PluginRef.Heads, id, version);

    private static void Damage(string root, string damage)
    {
        var uni = Path.Combine(root, "models", "uni", "1.0.0");
        var folder = SyntheticCellHeads.Install(root, damage == "foreign" ? FamilyTwins.Package("virchow2") : uni, damage, "1.0.0", ["x-cell"]);
        var manifestPath = Path.Combine(folder, "head.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var onnx = Path.Combine(folder, "head.onnx");
        switch (damage)
        {
            case "other-weights":
                manifest["encoder"]!["sha256"] = new string('0', 64);
                break;
            case "broken":
                manifest["colours"] = "an unknown key";
                break;
            case "no-onnx":
                File.Delete(onnx);
                break;
            case "junk":
                File.WriteAllBytes(onnx, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);
                manifest["files"]!["head.onnx"] = Sha(onnx);
                break;
            case "junk-hash":
                File.WriteAllBytes(onnx, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 17))]);
                break;
            default:
                break;
        }

        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}

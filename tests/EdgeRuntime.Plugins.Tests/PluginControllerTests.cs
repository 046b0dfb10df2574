using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using EdgeRuntime.Inference.Onnx;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

public sealed class PluginControllerTests
{
    internal static Task<PluginOutcome> Activate(PluginWorkspace w, PluginRef plugin) => w.Controller.ActivateAsync(plugin, "test", "corr", CancellationToken.None);

    [Fact]
    public async Task A_task_plugin_swap_leaves_a_slide_in_flight_with_its_tasks_and_releases_the_old_context_after_it()
    {
        using var w = await PluginWorkspace.CreateAsync();
        Assert.True((await Activate(w, PluginWorkspace.Task("embedding-summary", "1.0.0"))).Accepted);
        var inFlight = w.Tasks.Acquire();
        var oldContext = ContextOfCurrent(w);

        var outcome = await Activate(w, PluginWorkspace.Task("embedding-summary", "1.0.1"));

        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.Equal("1.0.0", inFlight.Value.Tasks.Single().Version); // the slide keeps what it started with
        Assert.False(inFlight.Value.IsDisposed);
        using (var next = w.Tasks.Acquire())
        {
            Assert.Equal("1.0.1", next.Value.Tasks.Single().Version); // one version of a task at a time
        }

        var old = inFlight.Value;
        inFlight.Dispose(); // the slide ends
        Assert.True(old.IsDisposed);
        old = null;

        // Everything above ran synchronously in one frame, whose Debug-build temporaries may still point at the
        // old task objects: continue in a fresh frame so that only real references count.
        await Task.Yield();
        Assert.True(Collected(oldContext), "the replaced plugin's load context is still alive");
        Assert.Equal([PluginWorkspace.Task("embedding-summary", "1.0.1")], ActivePlugins.Read(w.Options.ActiveFile).Tasks);
    }

    [Fact]
    public async Task A_task_plugin_with_no_usable_task_is_refused_with_each_reason_logged_and_published_and_the_active_tasks_stay()
    {
        using var w = await PluginWorkspace.CreateAsync();
        Assert.True((await Activate(w, PluginWorkspace.Task("embedding-summary"))).Accepted);

        var outcome = await Activate(w, PluginWorkspace.Task("refused"));

        Assert.False(outcome.Accepted);
        Assert.Contains("built against contract 3, this runtime loads contracts 1 to 2", outcome.Reason);
        Assert.Contains("licence file not found", outcome.Reason); // it threw on load
        using (var lease = w.Tasks.Acquire())
        {
            Assert.Equal("embedding-summary", lease.Value.Tasks.Single().Plugin);
        }

        var refused = w.Events().Last();
        Assert.Equal("refused", refused["event"]!.GetValue<string>());
        Assert.Contains("licence file not found", refused["reason"]!.GetValue<string>());
        Assert.Contains(w.Log.Entries, e => e.Message.Contains("Refused", StringComparison.Ordinal) && e.Message.Contains("built against contract 3", StringComparison.Ordinal));
        Assert.Equal([PluginWorkspace.Task("embedding-summary")], ActivePlugins.Read(w.Options.ActiveFile).Tasks);
    }

    [Theory]
    [InlineData("shape", "embeddingSize")]
    [InlineData("hash", "SHA-256")]
    [InlineData("missing", "text_encoder.onnx")]
    public async Task A_damaged_model_version_is_refused_with_the_reason_and_the_active_model_keeps_serving(string damage, string expected)
    {
        using var w = await PluginWorkspace.CreateAsync();
        var version = Path.Combine(w.Root, "models", "tiny-reference", "1.0.1");
        switch (damage)
        {
            case "shape": // the graph gives 32 floats; the manifest now says 48
                var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(version, "model.json")))!;
                manifest["embeddingSize"] = 48;
                File.WriteAllText(Path.Combine(version, "model.json"), manifest.ToJsonString());
                break;
            case "hash":
                File.AppendAllText(Path.Combine(version, "image_encoder.onnx"), "x");
                break;
            default:
                File.Delete(Path.Combine(version, "text_encoder.onnx"));
                break;
        }

        var before = w.Models.Current;
        var outcome = await Activate(w, PluginWorkspace.Model("1.0.1"));

        Assert.False(outcome.Accepted);
        Assert.Contains(expected, outcome.Reason, StringComparison.Ordinal);
        Assert.Same(before, w.Models.Current);
        Assert.False(before.IsDisposed);
        var vector = await new OnnxTextEncoder(w.Models.Current.Package).EncodeAsync(["tumor"], CancellationToken.None); // still serving
        Assert.Equal(32, vector.Length);
        Assert.Contains(expected, w.Events().Last()["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_swap_and_its_rollback_both_apply_and_the_replaced_sessions_are_released()
    {
        using var w = await PluginWorkspace.CreateAsync();
        var first = w.Models.Current;

        Assert.True((await Activate(w, PluginWorkspace.Model("1.0.1"))).Accepted);
        Assert.Equal("1.0.1", w.Models.Current.Package.Identity.Version);
        Assert.True(first.IsDisposed); // no slide held it

        Assert.True((await Activate(w, PluginWorkspace.Model("1.0.0"))).Accepted); // rollback
        Assert.Equal("1.0.0", w.Models.Current.Package.Identity.Version);
        Assert.Equal(PluginWorkspace.Model("1.0.0"), ActivePlugins.Read(w.Options.ActiveFile).Model);
        Assert.Equal(["activated", "activated"], w.Events().Select(e => e["event"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Active_file_content_read_before_another_change_landed_is_not_rolled_back_to()
    {
        // CI saw this race: the watcher read the file (1.0.0), a plugins-root activation of a newer version then
        // swapped and rewrote the file, and the watcher applied its stale 1.0.0 over it.
        using var w = await PluginWorkspace.CreateAsync();
        var stale = new ActivePlugins(PluginWorkspace.Model("1.0.0"), null);
        stale.Write(w.Options.ActiveFile);
        Assert.True((await Activate(w, PluginWorkspace.Model("1.0.1"))).Accepted);

        Assert.Null(await w.Controller.ApplyActiveFileAsync(stale, CancellationToken.None));
        Assert.Equal("1.0.1", w.Models.Current.Package.Identity.Version);
        Assert.Equal(PluginWorkspace.Model("1.0.1"), ActivePlugins.Read(w.Options.ActiveFile).Model);

        // The same content written again by an admin afterwards is a request, and applies.
        stale.Write(w.Options.ActiveFile);
        var outcome = await w.Controller.ApplyActiveFileAsync(stale, CancellationToken.None);
        Assert.True(outcome?.Accepted, outcome?.Reason);
        Assert.Equal("1.0.0", w.Models.Current.Package.Identity.Version);
    }

    [Fact]
    public async Task Only_task_plugins_can_be_deactivated_and_only_when_active()
    {
        using var w = await PluginWorkspace.CreateAsync();
        var model = await w.Controller.DeactivateAsync(PluginWorkspace.Model("1.0.0"), "test", "corr", CancellationToken.None);
        Assert.False(model.Accepted);
        Assert.Contains("models cannot be deactivated", model.Reason);

        var inactive = await w.Controller.DeactivateAsync(PluginWorkspace.Task("embedding-summary"), "test", "corr", CancellationToken.None);
        Assert.False(inactive.Accepted);
        Assert.Contains("'embedding-summary' is not active", inactive.Reason);

        Assert.True((await Activate(w, PluginWorkspace.Task("embedding-summary"))).Accepted);
        Assert.True((await w.Controller.DeactivateAsync(PluginWorkspace.Task("embedding-summary"), "test", "corr", CancellationToken.None)).Accepted);
        using var lease = w.Tasks.Acquire();
        Assert.Empty(lease.Value.Tasks);
    }

    [Theory]
    [InlineData("..", "1.0.0")]
    [InlineData("tiny-reference", "../../../outside")]
    public async Task A_plugin_outside_the_plugins_root_is_refused(string id, string version)
    {
        using var w = await PluginWorkspace.CreateAsync();
        var before = w.Models.Current;
        var outcome = await Activate(w, new PluginRef(PluginRef.Models, id, version));
        Assert.False(outcome.Accepted);
        Assert.Contains("plugins load only from the plugins root", outcome.Reason);
        Assert.Same(before, w.Models.Current);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static WeakReference ContextOfCurrent(PluginWorkspace w)
    {
        using var lease = w.Tasks.Acquire();
        return new WeakReference(AssemblyLoadContext.GetLoadContext(lease.Value.Tasks[0].Task.GetType().Assembly));
    }

    private static bool Collected(WeakReference reference)
    {
        for (var i = 0; i < 10 && reference.IsAlive; i++)
        {
            Settle();
        }

        return !reference.IsAlive;
    }

    internal static void Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}

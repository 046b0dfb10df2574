using EdgeRuntime.Inference.Prototypes;
using EdgeRuntime.Plugins.Control;
using EdgeRuntime.Runtime.Swapping;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

// Moving zero-shot tagging from a vision-language model to a vision-only one needs the prototype set the new model
// made at the same moment: one activation at a time, each part is refused (the model while the text task has no set,
// the set while the other model runs). As one change, every part is verified against the others, all are swapped at
// one instant while slides are in flight, a failing part refuses the whole change with its reason, and the rollback
// is one change too. Real packages: the tiny vision-language reference (32 wide) and the UNI twin (vision-only, 32).
public sealed class MultiPartActivationTests
{
    private const string Tagging = "zero-shot-tagging";
    private static readonly PluginRef Uni = new(PluginRef.Models, "uni", "1.0.0");
    private static readonly PluginRef UniSet = new(PluginRef.Prototypes, "uni-textures", "1.0.0");
    private static readonly PluginRef TinySet = new(PluginRef.Prototypes, "tiny-textures", "1.0.0");
    private static readonly PluginRef Summary = PluginWorkspace.Task("embedding-summary");

    [Fact]
    public async Task A_model_and_its_prototype_set_and_a_task_change_as_one_under_load_refused_whole_and_rolled_back_whole()
    {
        using var w = await PluginWorkspace.CreateAsync();
        BuiltInPlugins.InstallInto(w.Root);
        PluginRoots.CopyDirectory(FamilyTwins.Package("uni"), Path.Combine(w.Root, "models", "uni", "1.0.0"));
        WriteSet(w.Root, UniSet, "uni");
        WriteSet(w.Root, TinySet, "tiny-reference");
        var tiny = w.Models.Current.Package.Identity;
        Assert.True((await PluginControllerTests.Activate(w, PluginWorkspace.Task(Tagging))).Accepted);

        // One at a time, each half is refused.
        var modelAlone = await PluginControllerTests.Activate(w, Uni);
        Assert.Contains("model uni 1.0.0 is vision-only (no text tower)", modelAlone.Reason);
        var setAlone = await w.Controller.ActivateAsync(UniSet, [Tagging], "test", "corr", CancellationToken.None);
        Assert.False(setAlone.Accepted);
        Assert.Contains("modelId 'uni'", setAlone.Reason);

        // A change whose prototype set another model made is refused whole, with that part's reason: neither the
        // model nor the task joins.
        var before = File.ReadAllText(w.Options.ActiveFile);
        var refused = await w.Controller.ActivateAllAsync([new(Uni), new(TinySet, [Tagging]), new(Summary)], "test", "corr-refused", CancellationToken.None);
        Assert.False(refused.Accepted);
        Assert.Contains("modelId 'tiny-reference': made by another model than 'uni'", refused.Reason);
        Assert.Equal(tiny.Id, w.Models.Current.Package.Identity.Id);
        Assert.DoesNotContain(w.Tasks.Current.Tasks, t => t.Plugin == Summary.Id);
        Assert.Equal(before, File.ReadAllText(w.Options.ActiveFile));

        // Slides start all the time while the whole change is applied, and again while it is rolled back.
        var seen = new List<string>();
        using var stop = new CancellationTokenSource();
        var image = new byte[32 * 32 * 3];
        var slides = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (model, tasks) = SwapTogether.Acquire(w.Models, w.Tasks);
                using (model)
                using (tasks)
                {
                    // The leased model runs, whatever is swapped meanwhile: both models are 32 wide.
                    Assert.Equal(32, model.Value.Encoder.EncodeImage(image, 32, 32).Length);
                    var state = $"{model.Value.Package.Identity.Id} set={model.Value.TaskPrototypeSets.ContainsKey(Tagging)} summary={tasks.Value.Tasks.Any(t => t.Plugin == Summary.Id)}";
                    lock (seen)
                    {
                        seen.Add(state);
                    }
                }
            }
        })).ToList();
        try
        {
            await Until(() => seen.Count > 0);
            var moved = await w.Controller.ActivateAllAsync([new(Uni), new(UniSet, [Tagging]), new(Summary)], "test", "corr-move", CancellationToken.None);
            Assert.True(moved.Accepted, moved.Reason);
            Assert.Equal("uni", w.Models.Current.Package.Identity.Id);
            Assert.True(w.Models.Current.TaskPrototypeSets.ContainsKey(Tagging));
            var moveCount = seen.Count;
            await Until(() => seen.Count > moveCount + 4);

            // The rollback: the previous model, the set and the task stopped, as one change.
            var back = await w.Controller.ActivateAllAsync(
                [new(new PluginRef(PluginRef.Models, tiny.Id, tiny.Version)), new(UniSet with { Version = PluginPart.Stop }), new(Summary with { Version = PluginPart.Stop })],
                "test",
                "corr-back",
                CancellationToken.None);
            Assert.True(back.Accepted, back.Reason);
            var backCount = seen.Count;
            await Until(() => seen.Count > backCount + 4);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(slides);
        }

        // Every slide saw the old state whole or the new state whole.
        string[] whole = ["tiny-reference set=False summary=False", "uni set=True summary=True"];
        Assert.All(seen, s => Assert.Contains(s, whole));
        Assert.Contains(whole[1], seen);
        Assert.Equal(whole[0], seen[^1]);
        Assert.Equal(tiny.Id, w.Models.Current.Package.Identity.Id);
        Assert.Null(ActivePlugins.Read(w.Options.ActiveFile).Prototypes?.Values.FirstOrDefault());
    }

    [Fact]
    public void Two_versions_of_one_slot_in_a_change_are_refused_naming_the_part()
    {
        var e = Assert.Throws<InvalidDataException>(() => PluginPart.Compose(
            ActivePlugins.None, [new(Uni), new(PluginWorkspace.Model("1.0.0"))], [], _ => []));
        Assert.Equal("models/tiny-reference/1.0.0: the change names two models; one change activates one of each.", e.Message);
    }

    private static void WriteSet(string root, PluginRef set, string modelId)
    {
        var folder = Path.Combine(root, "prototypes", set.Id, set.Version);
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        float[] Vector() => [.. Enumerable.Range(0, 32).Select(_ => (float)random.NextDouble() - 0.5f)];
        PrototypeSetFile.Write(
            Path.Combine(folder, PrototypeSetFile.FileName),
            PrototypeSetFile.FromExamples(set.Id, set.Version, modelId, 32, [("tumour", [Vector(), Vector()]), ("stroma", [Vector(), Vector()])]),
            32);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the slides stopped starting");
            await Task.Delay(20);
        }
    }
}

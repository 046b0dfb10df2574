using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>Tests that measure the process's memory, alone: other tests allocating meanwhile would blur the figure.</summary>
[CollectionDefinition(nameof(MeasuresMemory), DisableParallelization = true)]
public sealed class MeasuresMemory;

[Collection(nameof(MeasuresMemory))]
public sealed class TaskUnloadTests(ITestOutputHelper output)
{
    private static Task<PluginOutcome> Activate(PluginWorkspace w, PluginRef plugin) => PluginControllerTests.Activate(w, plugin);

    private static WeakReference ContextOfCurrent(PluginWorkspace w) => PluginControllerTests.ContextOfCurrent(w);

    private static void Settle() => PluginControllerTests.Settle();

    [Fact]
    public async Task Twenty_task_swap_cycles_leave_no_live_load_context_and_no_growing_memory()
    {
        using var w = await PluginWorkspace.CreateAsync();
        var contexts = new List<WeakReference>();
        async Task CycleAsync(int i)
        {
            Assert.True((await Activate(w, PluginWorkspace.Task("embedding-summary", i % 2 == 0 ? "1.0.0" : "1.0.1"))).Accepted);
            contexts.Add(ContextOfCurrent(w));
        }

        for (var i = 0; i < 4; i++)
        {
            await CycleAsync(i); // one-off costs (JIT, McMaster's resolver) go into the baseline
        }

        Settle();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 4; i < 24; i++)
        {
            await CycleAsync(i);
        }

        Assert.True((await w.Controller.DeactivateAsync(PluginWorkspace.Task("embedding-summary"), "test", "corr", CancellationToken.None)).Accepted);
        Settle();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.WriteLine($"managed heap after 20 more swaps and a deactivation: {growth / 1024.0:+0.0;-0.0} KiB against the baseline");

        var alive = Enumerable.Range(0, contexts.Count).Where(i => contexts[i].IsAlive).ToList();
        Assert.True(alive.Count == 0, $"load contexts still alive after 24 swaps and a deactivation: {string.Join(", ", alive)}");

        // A load context holding even this small assembly's metadata and JIT'd code costs hundreds of KB of managed
        // heap; 20 leaked would show as several MB. The bound is well above the noise of the test's own lists.
        Assert.True(growth < 4L * 1024 * 1024, $"managed heap grew by {growth / 1024} KiB over 20 swaps");
    }

}

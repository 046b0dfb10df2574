using System.Runtime.CompilerServices;
using EdgeRuntime.Plugins.Tasks;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

public sealed class TaskPluginLoaderTests
{
    [Fact]
    public void Tasks_are_found_and_one_built_for_another_contract_is_refused_with_the_reason()
    {
        using var plugin = TaskPluginLoader.Load(TaskPlugins.TestPlugins, "tasks/test/1.0.0", TaskHost.Quiet);
        Assert.Equal(["contract-one", "counting", "hanging", "slide-counter", "throwing"], plugin.Tasks.Select(t => t.Name).Order());
        var refused = Assert.Single(plugin.Refused);
        Assert.Contains("FutureContractTask", refused);
        Assert.Contains("built against contract 99, this runtime loads contracts 1 to 2", refused);
    }

    [Fact]
    public void A_plugin_shares_the_hosts_contract_types_and_keeps_its_own_load_context()
    {
        using var plugin = TaskPluginLoader.Load(TaskPlugins.EmbeddingSummary, "tasks/test/1.0.0", TaskHost.Quiet);
        var task = Assert.Single(plugin.Tasks);
        Assert.Equal("embedding-summary", task.Name);
        Assert.Same(typeof(Abstractions.Tasks.ISlideTask).Assembly, task.GetType().GetInterfaces().Single(i => i.Name == "ISlideTask").Assembly);
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(task.GetType().Assembly));
    }

    [Fact]
    public void An_unloaded_plugin_load_context_is_collected()
    {
        var context = LoadAndUnload();
        for (var i = 0; i < 10 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(context.IsAlive, "the plugin's load context is still alive after unloading");
    }

    [Fact]
    public void A_missing_assembly_is_refused_naming_it()
    {
        var error = Assert.Throws<InvalidDataException>(() => TaskPluginLoader.Load("/nowhere/Plugin.dll", "tasks/test/1.0.0", TaskHost.Quiet));
        Assert.Contains("/nowhere/Plugin.dll", error.Message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndUnload()
    {
        var plugin = TaskPluginLoader.Load(TaskPlugins.TestPlugins, "tasks/test/1.0.0", TaskHost.Quiet);
        Assert.Equal(5, plugin.Tasks.Count);
        var context = plugin.Context;
        plugin.Dispose();
        return context;
    }
}

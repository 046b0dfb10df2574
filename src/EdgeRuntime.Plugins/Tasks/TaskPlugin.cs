using System.Runtime.CompilerServices;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Runtime.Requests;
using McMaster.NETCore.Plugins;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>A loaded task plugin assembly: its tasks, services and requests, the types refused and why, and its load context.</summary>
internal sealed class TaskPlugin : IDisposable
{
    private PluginLoader? loader;
    private IReadOnlyList<IAsyncDisposable> services;

    internal TaskPlugin(string path, PluginLoader loader, IReadOnlyList<ISlideTask> tasks, IReadOnlyList<IAsyncDisposable> services, IReadOnlyList<RegisteredRequest> requests, IReadOnlyList<string> refused)
    {
        Path = path;
        this.loader = loader;
        this.services = services;
        Tasks = tasks;
        Requests = requests;
        Refused = refused;
        Context = new WeakReference(loader.LoadContext);
    }

    /// <summary>The assembly file.</summary>
    public string Path { get; }

    /// <summary>The tasks accepted.</summary>
    public IReadOnlyList<ISlideTask> Tasks { get; private set; }

    /// <summary>The requests the plugin answers.</summary>
    public IReadOnlyList<RegisteredRequest> Requests { get; private set; }

    /// <summary>Why each refused task was refused.</summary>
    public IReadOnlyList<string> Refused { get; }

    /// <summary>The load context, weakly: it is gone once the plugin is unloaded and collected.</summary>
    public WeakReference Context { get; }

    /// <summary>Disposes the plugin's services, drops its tasks and unloads the load context (collected once nothing refers to its types).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Dispose()
    {
        DisposeAll(services);
        services = [];
        Tasks = [];
        Requests = [];
        loader?.Dispose();
        loader = null;
    }

    /// <summary>Disposes services in the reverse order of registration; one that fails does not keep the others.</summary>
    internal static void DisposeAll(IReadOnlyList<IAsyncDisposable> services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            try
            {
                // Released when a set drains, from a synchronous dispose: a plugin's clean-up is short (files closed).
                services[i].DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A plugin's clean-up failing is its own problem; the version is released all the same.
            }
        }
    }
}

using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Tasks;
using McMaster.NETCore.Plugins;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// Loads task plugins: .NET assemblies whose public <see cref="ISlideTask"/> types the host instantiates.
/// Each assembly gets its own collectible load context (McMaster.NETCore.Plugins) and shares only
/// <c>EdgeRuntime.Abstractions</c> and System.Text.Json's nodes with the host, so a plugin's dependencies
/// never clash with the host's and the whole context can be unloaded.
/// </summary>
public static class TaskPluginLoader
{
    private static readonly Type[] SharedTypes = [typeof(ISlideTask), typeof(JsonObject)];

    /// <summary>Loads every task in <paramref name="assemblyPath"/>; tasks built against another contract version are refused with a reason.</summary>
    /// <exception cref="InvalidDataException">The file is missing, not a .NET assembly, or holds no task.</exception>
    public static TaskPlugin Load(string assemblyPath)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
        {
            throw new InvalidDataException($"{full}: task plugin assembly not found.");
        }

        var loader = PluginLoader.CreateFromAssemblyFile(full, isUnloadable: true, sharedTypes: SharedTypes);
        try
        {
            var accepted = new List<ISlideTask>();
            var refused = new List<string>();
            Type[] types;
            try
            {
                types = loader.LoadDefaultAssembly().GetExportedTypes();
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException)
            {
                throw new InvalidDataException($"{full}: not a loadable .NET assembly: {e.Message}", e);
            }

            foreach (var type in types.Where(t => typeof(ISlideTask).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }))
            {
                ISlideTask task;
                try
                {
                    task = (ISlideTask)Activator.CreateInstance(type)!;
                }
                catch (Exception e) when (e is TargetInvocationException or MissingMethodException or MemberAccessException)
                {
                    refused.Add($"{type.FullName}: could not be created ({(e.InnerException ?? e).Message}).");
                    continue;
                }

                if (task.ContractMajorVersion != ContractVersion.Major)
                {
                    refused.Add($"{type.FullName} ({task.Name}): built against contract {task.ContractMajorVersion}, this runtime has {ContractVersion.Major}.");
                    continue;
                }

                accepted.Add(task);
            }

            if (accepted.Count == 0 && refused.Count == 0)
            {
                throw new InvalidDataException($"{full}: no public type implements {nameof(ISlideTask)}.");
            }

            return new TaskPlugin(full, loader, accepted, refused);
        }
        catch
        {
            loader.Dispose();
            throw;
        }
    }
}

/// <summary>A loaded task plugin assembly: its tasks, the ones refused and why, and its load context.</summary>
public sealed class TaskPlugin : IDisposable
{
    private PluginLoader? loader;

    internal TaskPlugin(string path, PluginLoader loader, IReadOnlyList<ISlideTask> tasks, IReadOnlyList<string> refused)
    {
        Path = path;
        this.loader = loader;
        Tasks = tasks;
        Refused = refused;
        Context = new WeakReference(loader.LoadContext);
    }

    /// <summary>The assembly file.</summary>
    public string Path { get; }

    /// <summary>The tasks accepted.</summary>
    public IReadOnlyList<ISlideTask> Tasks { get; private set; }

    /// <summary>Why each refused task was refused.</summary>
    public IReadOnlyList<string> Refused { get; }

    /// <summary>The load context, weakly: it is gone once the plugin is unloaded and collected.</summary>
    public WeakReference Context { get; }

    /// <summary>Drops the tasks and unloads the load context (collected once nothing refers to its types).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Dispose()
    {
        Tasks = [];
        loader?.Dispose();
        loader = null;
    }
}

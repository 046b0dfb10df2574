using System.Reflection;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Tasks;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// Loads task plugins. Each assembly gets its own collectible load context (McMaster.NETCore.Plugins) and shares
/// only <c>EdgeRuntime.Abstractions</c>, the logging abstractions and System.Text.Json's nodes with the host, so a
/// plugin's dependencies never clash with the host's and the whole context can be unloaded. A contract-2 plugin has
/// one public <see cref="ITaskModule"/> that registers its tasks, services and requests; a contract-1 plugin's
/// public <see cref="ISlideTask"/> types are created one by one. Plugins built for a contract this runtime does not
/// support are refused with the reason.
/// </summary>
internal static class TaskPluginLoader
{
    private static readonly Type[] SharedTypes = [typeof(ISlideTask), typeof(JsonObject), typeof(ILogger)];

    /// <summary>Loads every task in <paramref name="assemblyPath"/> as plugin <paramref name="plugin"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing, not a .NET assembly, or holds no task.</exception>
    public static TaskPlugin Load(string assemblyPath, string plugin, TaskHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
        {
            throw new InvalidDataException($"{full}: task plugin assembly not found.");
        }

        var loader = PluginLoader.CreateFromAssemblyFile(full, isUnloadable: true, sharedTypes: SharedTypes);
        var registrar = new TaskRegistrar(host, plugin);
        try
        {
            Type[] types;
            try
            {
                types = loader.LoadDefaultAssembly().GetExportedTypes();
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException)
            {
                throw new InvalidDataException($"{full}: not a loadable .NET assembly: {e.Message}", e);
            }

            var refused = new List<string>();
            var modules = Concrete<ITaskModule>(types);
            if (modules.Count > 0)
            {
                foreach (var type in modules)
                {
                    if (Create<ITaskModule>(type, refused) is not { } module)
                    {
                        continue;
                    }

                    if (!ContractVersion.Supports(module.ContractMajorVersion))
                    {
                        refused.Add(Unsupported(type, "module", module.ContractMajorVersion));
                        continue;
                    }

                    try
                    {
                        module.Register(registrar);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        throw new InvalidDataException($"{full}: {type.FullName} failed to register: {e.Message}", e);
                    }
                }
            }
            else
            {
                foreach (var type in Concrete<ISlideTask>(types))
                {
                    if (Create<ISlideTask>(type, refused) is { } task)
                    {
                        registrar.Tasks.Add(task);
                    }
                }
            }

            var accepted = new List<ISlideTask>();
            foreach (var task in registrar.Tasks)
            {
                if (ContractVersion.Supports(task.ContractMajorVersion))
                {
                    accepted.Add(task);
                }
                else
                {
                    refused.Add(Unsupported(task.GetType(), task.Name, task.ContractMajorVersion));
                }
            }

            if (accepted.Count == 0 && refused.Count == 0)
            {
                throw new InvalidDataException($"{full}: no public type implements {nameof(ITaskModule)} or {nameof(ISlideTask)}.");
            }

            return new TaskPlugin(full, loader, accepted, registrar.Services, registrar.Requests, refused);
        }
        catch
        {
            TaskPlugin.DisposeAll(registrar.Services);
            loader.Dispose();
            throw;
        }
    }

    private static List<Type> Concrete<T>(Type[] types) =>
        types.Where(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToList();

    private static T? Create<T>(Type type, List<string> refused)
        where T : class
    {
        try
        {
            return (T)Activator.CreateInstance(type)!;
        }
        catch (Exception e) when (e is TargetInvocationException { InnerException: not OutOfMemoryException } or MissingMethodException or MemberAccessException)
        {
            refused.Add($"{type.FullName}: could not be created ({(e.InnerException ?? e).Message}).");
            return null;
        }
    }

    private static string Unsupported(Type type, string name, int major) =>
        $"{type.FullName} ({name}): built against contract {major}, this runtime loads contracts {ContractVersion.OldestSupportedMajor} to {ContractVersion.Major}.";
}

using EdgeRuntime.Engine.Running;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Runtime.Requests;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>
/// Loads a set of task plugin versions from the plugins root into a <see cref="SlideTaskSet"/>: each version
/// verified first in a child process (<see cref="TaskPluginIsolation"/>), then its verified snapshot loaded in its
/// own collectible load context, released together when the set is disposed. A task built against another
/// contract is refused and logged while its siblings load; a plugin with no usable task, a missing one, or one not
/// on the allow-list is refused as a whole.
/// </summary>
public static class TaskSetLoader
{
    /// <summary>The tasks that run at start: the active file's, else the configured ones (none while plugins are off).</summary>
    /// <exception cref="InvalidDataException">A plugin cannot be used, or the active file cannot be read.</exception>
    public static SlideTaskSet LoadActive(PluginOptions options, TaskHost host, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Enabled ? Load(ActivePlugins.Read(options.ActiveFile).TasksOr(options.ConfiguredTasks), options, host, logger) : SlideTaskSet.Empty;
    }

    /// <summary>Loads <paramref name="plugins"/>; the set owns their load contexts.</summary>
    /// <exception cref="InvalidDataException">A plugin cannot be used; the message names it and says why.</exception>
    public static SlideTaskSet Load(IReadOnlyList<PluginRef> plugins, PluginOptions options, TaskHost host, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(options);
        var loaded = new List<TaskPlugin>();
        try
        {
            var entries = new List<Abstractions.Tasks.ISlideTask>();
            var provenance = new List<SlideTaskEntry>();
            var requests = new List<RegisteredRequest>();
            foreach (var plugin in plugins)
            {
                var assembly = plugin.DefiningFile(options.Root);
                if (!File.Exists(assembly))
                {
                    throw new InvalidDataException($"{plugin}: {assembly} not found; a task plugin folder holds a published assembly with its .deps.json.");
                }

                // Verified in a child process first, then loaded from the very snapshot that was verified.
                string verified, hash;
                using (StartupPhases.Begin($"task plugin {plugin}: snapshot, digest, verification"))
                {
                    (verified, hash) = TaskPluginIsolation.Verify(plugin, options);
                }

                TaskPlugin taskPlugin;
                using (StartupPhases.Begin($"task plugin {plugin}: load"))
                {
                    taskPlugin = TaskPluginLoader.Load(verified, plugin.ToString(), host);
                }
                var folder = plugin.Directory(options.Root);
                loaded.Add(taskPlugin);
                foreach (var reason in taskPlugin.Refused)
                {
                    PluginLog.TaskRefused(logger, folder, reason);
                }

                if (taskPlugin.Tasks.Count == 0)
                {
                    throw new InvalidDataException($"{plugin}: no task could be used: {string.Join(" ", taskPlugin.Refused)}");
                }

                foreach (var task in taskPlugin.Tasks)
                {
                    if (entries.Any(t => t.Name == task.Name))
                    {
                        throw new InvalidDataException($"{plugin}: a task named '{task.Name}' is already active; each task's name is its key in the result.");
                    }

                    entries.Add(task);
                    provenance.Add(new SlideTaskEntry(task, plugin.Id, plugin.Version, hash));
                    PluginLog.TaskLoaded(logger, task.Name, folder);
                }

                foreach (var request in taskPlugin.Requests)
                {
                    if (requests.Any(r => r.Name == request.Name))
                    {
                        throw new InvalidDataException($"{plugin}: request '{request.Name}' is already answered by {requests.First(r => r.Name == request.Name).Plugin}.");
                    }

                    requests.Add(request);
                }
            }

            return new SlideTaskSet(provenance, requests, new LoadContexts(loaded));
        }
        catch
        {
            loaded.ForEach(p => p.Dispose());
            throw;
        }
    }

    private sealed class LoadContexts(List<TaskPlugin> plugins) : IDisposable
    {
        public void Dispose() => plugins.ForEach(p => p.Dispose());
    }
}

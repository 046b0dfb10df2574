using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Pipeline.Processing;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins.Tasks;

/// <summary>The task plugins named in <c>EdgeRuntime:Plugins:Tasks</c>, loaded at start; refused tasks are logged with their reason.</summary>
public sealed class TaskRegistry : ISlideTaskSource, IDisposable
{
    private readonly List<TaskPlugin> plugins = [];

    /// <summary>Loads every configured task assembly.</summary>
    /// <exception cref="InvalidDataException">An assembly is missing, not allowed, or holds no task.</exception>
    public TaskRegistry(PluginOptions options, ILogger<TaskRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var relative in options.Tasks)
        {
            var path = Path.Combine(options.Root, relative);
            if (File.Exists(path))
            {
                PluginAllowList.Check(options, path);
            }

            var plugin = TaskPluginLoader.Load(path);
            plugins.Add(plugin);
            foreach (var reason in plugin.Refused)
            {
                PluginLog.TaskRefused(logger, plugin.Path, reason);
            }

            foreach (var task in plugin.Tasks)
            {
                PluginLog.TaskLoaded(logger, task.Name, plugin.Path);
            }
        }

        Tasks = plugins.SelectMany(p => p.Tasks).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<ISlideTask> Tasks { get; }

    /// <inheritdoc />
    public void Dispose() => plugins.ForEach(p => p.Dispose());
}

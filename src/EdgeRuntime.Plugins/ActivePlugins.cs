using System.Text.Json;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Which model, prompt set and task plugin versions are active, kept in a small JSON file so that the running
/// service, <c>edgert plugins</c> and the MQTT admin commands agree. A part that is absent (null) means "as
/// configured". Written atomically.
/// </summary>
/// <param name="Model">The active model version, or null for the configured model.</param>
/// <param name="Prompts">The active prompt set version, or null for the configured prompt set.</param>
/// <param name="Tasks">The active task plugin versions, or null for <c>EdgeRuntime:Plugins:Tasks</c>.</param>
public sealed record ActivePlugins(PluginRef? Model, PluginRef? Prompts, IReadOnlyList<PluginRef>? Tasks = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Nothing chosen: everything as configured.</summary>
    public static ActivePlugins None { get; } = new(null, null);

    /// <summary>Reads the file; a missing file means nothing is active.</summary>
    /// <exception cref="InvalidDataException">The file is not valid; the message names it.</exception>
    public static ActivePlugins Read(string path)
    {
        if (!File.Exists(path))
        {
            return None;
        }

        ActivePlugins? read;
        try
        {
            read = JsonSerializer.Deserialize<ActivePlugins>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path.GetFullPath(path)}: {e.Message}", e);
        }

        if (read is null)
        {
            return None;
        }

        foreach (var (expected, plugin) in new[] { (PluginRef.Models, read.Model), (PluginRef.Prompts, read.Prompts) }.Concat((read.Tasks ?? []).Select(t => (PluginRef.Tasks, (PluginRef?)t))))
        {
            if (plugin is not null && plugin.Kind != expected)
            {
                throw new InvalidDataException($"{Path.GetFullPath(path)}: {plugin} is not of kind {expected}.");
            }
        }

        return read;
    }

    /// <summary>This with <paramref name="plugin"/> active (a task is added; a model or prompt set replaces the current one).</summary>
    public ActivePlugins With(PluginRef plugin, IReadOnlyList<PluginRef> configuredTasks)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return plugin.Kind switch
        {
            PluginRef.Models => this with { Model = plugin },
            PluginRef.Prompts => this with { Prompts = plugin },
            _ => this with { Tasks = [.. TasksOr(configuredTasks).Where(t => t.Id != plugin.Id), plugin] },
        };
    }

    /// <summary>This without the task plugin <paramref name="id"/> (any version).</summary>
    /// <exception cref="InvalidDataException">Not a task (a model or prompt set is replaced, never left out), or not active; the message says which.</exception>
    public ActivePlugins Without(string kind, string id, IReadOnlyList<PluginRef> configuredTasks)
    {
        if (kind != PluginRef.Tasks)
        {
            throw new InvalidDataException($"{kind} cannot be deactivated: slides always need one; activate another version instead.");
        }

        var tasks = TasksOr(configuredTasks);
        return tasks.Any(t => t.Id == id)
            ? this with { Tasks = tasks.Where(t => t.Id != id).ToList() }
            : throw new InvalidDataException($"task plugin '{id}' is not active.");
    }

    /// <summary>The active tasks: the file's list, or <paramref name="configured"/> when the file has none.</summary>
    public IReadOnlyList<PluginRef> TasksOr(IReadOnlyList<PluginRef> configured) => Tasks ?? configured;

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path)
    {
        Slides.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Json));
    }

    /// <inheritdoc />
    public bool Equals(ActivePlugins? other) =>
        other is not null && Model == other.Model && Prompts == other.Prompts
        && (Tasks is null ? other.Tasks is null : other.Tasks is not null && Tasks.SequenceEqual(other.Tasks));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Model, Prompts, Tasks?.Count);
}

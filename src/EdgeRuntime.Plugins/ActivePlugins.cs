using System.Text.Json;

namespace EdgeRuntime.Plugins;

/// <summary>
/// Which model, prompt set, prototype set, cell head and task plugin versions are active, kept in a small JSON file so that
/// the running service, <c>edgert plugins</c> and the MQTT admin commands agree. A part that is absent (null)
/// means "as configured". Written atomically.
/// </summary>
/// <param name="Model">The active model version, or null for the configured model.</param>
/// <param name="Prompts">The active prompt set version, or null for the configured prompt set.</param>
/// <param name="Tasks">The active task plugin versions, or null for <c>EdgeRuntime:Plugins:Tasks</c>.</param>
/// <param name="Prototypes">
/// Prototype sets by the name of the task that scores against them, over <c>EdgeRuntime:Processing:TaskPrototypeSets</c>:
/// a task named here uses this set, any other task what the configuration gives it. An overlay rather than a
/// replacement, because configured sets may lie outside the plugins root, where a plugin reference cannot name them.
/// </param>
/// <param name="Head">The active cell head version, or null for <c>EdgeRuntime:Processing:CellHead</c> (the configured head, or none).</param>
public sealed record ActivePlugins(PluginRef? Model, PluginRef? Prompts, IReadOnlyList<PluginRef>? Tasks = null, IReadOnlyDictionary<string, PluginRef>? Prototypes = null, PluginRef? Head = null)
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

        var parts = new[] { (PluginRef.Models, read.Model), (PluginRef.Prompts, read.Prompts), (PluginRef.Heads, read.Head) }
            .Concat((read.Tasks ?? []).Select(t => (PluginRef.Tasks, (PluginRef?)t)))
            .Concat((read.Prototypes ?? new Dictionary<string, PluginRef>()).Values.Select(p => (PluginRef.Prototypes, (PluginRef?)p)));
        foreach (var (expected, plugin) in parts)
        {
            if (plugin is not null && plugin.Kind != expected)
            {
                throw new InvalidDataException($"{Path.GetFullPath(path)}: {plugin} is not of kind {expected}.");
            }
        }

        return read;
    }

    /// <summary>
    /// This with <paramref name="plugin"/> active: a task is added (replacing another version of itself); a model,
    /// prompt set or cell head replaces the current one; a prototype set serves <paramref name="forTasks"/>, or, when none are
    /// named, replaces its other versions wherever they serve (how a newer version of a set takes over).
    /// </summary>
    /// <exception cref="InvalidDataException">A prototype set that serves no task yet and was given none; or tasks named for another kind.</exception>
    public ActivePlugins With(PluginRef plugin, IReadOnlyList<PluginRef> configuredTasks, IReadOnlyList<string>? forTasks = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        if (forTasks is { Count: > 0 } && plugin.Kind != PluginRef.Prototypes)
        {
            throw new InvalidDataException($"{plugin}: only a prototype set is activated for named tasks; a {plugin.Kind} plugin serves all of them.");
        }

        return plugin.Kind switch
        {
            PluginRef.Models => this with { Model = plugin },
            PluginRef.Prompts => this with { Prompts = plugin },
            PluginRef.Heads => this with { Head = plugin },
            PluginRef.Prototypes => this with { Prototypes = WithPrototypes(plugin, forTasks) },
            _ => this with { Tasks = [.. TasksOr(configuredTasks).Where(t => t.Id != plugin.Id), plugin] },
        };
    }

    /// <summary>
    /// This without the task plugin, the prototype set or the cell head <paramref name="id"/> (any version; a prototype
    /// set's tasks go back to their configured classes, the cells task to the configured head, or none).
    /// </summary>
    /// <exception cref="InvalidDataException">A model or prompt set (replaced, never left out), or not active; the message says which.</exception>
    public ActivePlugins Without(string kind, string id, IReadOnlyList<PluginRef> configuredTasks)
    {
        if (kind == PluginRef.Prototypes)
        {
            var bound = Prototypes ?? new Dictionary<string, PluginRef>();
            return bound.Values.Any(p => p.Id == id)
                ? this with { Prototypes = bound.Where(b => b.Value.Id != id).ToDictionary(StringComparer.Ordinal) }
                : throw new InvalidDataException($"prototype set '{id}' is not active (a set named in EdgeRuntime:Processing:TaskPrototypeSets is changed there).");
        }

        if (kind == PluginRef.Heads)
        {
            return Head?.Id == id
                ? this with { Head = null }
                : throw new InvalidDataException($"cell head '{id}' is not active (a head named in EdgeRuntime:Processing:CellHead is changed there).");
        }

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

    /// <summary>
    /// The prototype set file of each task: <paramref name="configured"/> (task name to file), overlaid with this
    /// file's <see cref="Prototypes"/> under <paramref name="root"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> PrototypeFiles(IReadOnlyDictionary<string, string> configured, string root)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var files = new Dictionary<string, string>(configured, StringComparer.Ordinal);
        foreach (var (task, set) in Prototypes ?? new Dictionary<string, PluginRef>())
        {
            files[task] = set.DefiningFile(root);
        }

        return files;
    }

    /// <summary>
    /// Which prototype set plugins serve which tasks, given each task's prototype set file (<see cref="PrototypeFiles"/>):
    /// files under <paramref name="root"/> as <c>prototypes/{id}/{version}</c>, by the tasks that score against them.
    /// The one place that answers "what does this set serve", for the controller and the CLI alike.
    /// </summary>
    public static ILookup<PluginRef, string> Serving(IReadOnlyDictionary<string, string> prototypeFiles, string root)
    {
        ArgumentNullException.ThrowIfNull(prototypeFiles);
        return prototypeFiles
            .Select(f => (Task: f.Key, Set: PluginRef.Under(root, f.Value)))
            .Where(f => f.Set is { Kind: PluginRef.Prototypes })
            .OrderBy(f => f.Task, StringComparer.Ordinal)
            .ToLookup(f => f.Set!, f => f.Task);
    }

    /// <summary>The tasks that some version of prototype set <paramref name="id"/> serves, in name order.</summary>
    public static List<string> TasksServedBy(IReadOnlyDictionary<string, string> prototypeFiles, string root, string id) =>
        Serving(prototypeFiles, root).Where(g => g.Key.Id == id).SelectMany(g => g).Order(StringComparer.Ordinal).ToList();

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path)
    {
        Foundation.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Json));
    }

    /// <inheritdoc />
    public bool Equals(ActivePlugins? other) =>
        other is not null && Model == other.Model && Prompts == other.Prompts && Head == other.Head
        && (Tasks is null ? other.Tasks is null : other.Tasks is not null && Tasks.SequenceEqual(other.Tasks))
        && SameBindings(Prototypes, other.Prototypes);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Model, Prompts, Tasks?.Count, Prototypes?.Count, Head);

    private static bool SameBindings(IReadOnlyDictionary<string, PluginRef>? a, IReadOnlyDictionary<string, PluginRef>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, PluginRef>()).All(p => b!.TryGetValue(p.Key, out var other) && other == p.Value);

    private Dictionary<string, PluginRef> WithPrototypes(PluginRef set, IReadOnlyList<string>? forTasks)
    {
        var bound = new Dictionary<string, PluginRef>(Prototypes ?? new Dictionary<string, PluginRef>(), StringComparer.Ordinal);
        if (forTasks is { Count: > 0 })
        {
            foreach (var task in forTasks)
            {
                if (string.IsNullOrWhiteSpace(task))
                {
                    throw new InvalidDataException($"{set}: a task name is empty.");
                }

                bound[task] = set;
            }

            return bound;
        }

        var serving = bound.Where(b => b.Value.Id == set.Id).Select(b => b.Key).ToList();
        if (serving.Count == 0)
        {
            throw new InvalidDataException($"{set}: name the task(s) it serves (edgert plugins activate ... --task NAME, or the field 'tasks'); it serves none yet.");
        }

        foreach (var task in serving)
        {
            bound[task] = set;
        }

        return bound;
    }
}

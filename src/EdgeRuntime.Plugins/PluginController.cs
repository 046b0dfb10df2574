using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Processing;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// The one place that changes what the running service uses: the active-file watcher, the plugins-root watcher
/// and the MQTT admin commands all come here. A change is applied whole or not at all: every new part is loaded
/// and verified (manifest, hashes, ONNX signature, prompt set, task assemblies and their contract) before
/// anything is swapped; a refusal leaves the active plugins as they were. Either way the outcome is logged,
/// queued for MQTT, and the active file records what actually runs. Changes are applied one at a time.
/// </summary>
internal sealed class PluginController(
    PluginOptions options,
    ModelProvider models,
    TaskProvider tasks,
    InferenceOptions inference,
    EncodingOptions encoding,
    ZeroShotOptions zeroShot,
    SlideJournal journal,
    OutboxSignal outbox,
    ProcessingOptions processing,
    ILoggerFactory loggers,
    ILogger<PluginController> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private ActivePlugins active = ReadStartState(options);

    /// <summary>What runs now, as recorded in the active file.</summary>
    public ActivePlugins Active => Volatile.Read(ref active);

    /// <summary>The configured tasks (what runs when the active file names none).</summary>
    public IReadOnlyList<PluginRef> ConfiguredTasks => options.ConfiguredTasks;

    /// <summary>Makes one plugin version active (a model or prompt set replaces the current one; a task joins, replacing another version of itself; a prototype set replaces its other versions).</summary>
    public Task<PluginOutcome> ActivateAsync(PluginRef plugin, string origin, string correlationId, CancellationToken cancellationToken) =>
        ActivateAsync(plugin, null, origin, correlationId, cancellationToken);

    /// <summary>
    /// Makes one plugin version active; a prototype set for <paramref name="forTasks"/> (task names), or, when none
    /// are named, for the tasks its other versions serve now.
    /// </summary>
    public Task<PluginOutcome> ActivateAsync(PluginRef plugin, IReadOnlyList<string>? forTasks, string origin, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        string definingFile;
        try
        {
            definingFile = plugin.DefiningFile(options.Root);
        }
        catch (InvalidDataException e)
        {
            return Task.FromResult(Refuse(plugin.ToString(), origin, correlationId, e.Message));
        }

        if (!File.Exists(definingFile))
        {
            return Task.FromResult(Refuse(plugin.ToString(), origin, correlationId, $"{definingFile}: no such plugin version ({plugin})."));
        }

        return ChangeAsync(
            now => now.With(plugin, ConfiguredTasks, forTasks is { Count: > 0 } || plugin.Kind != PluginRef.Prototypes ? forTasks : TasksServedBy(now, plugin.Id)),
            plugin.ToString(),
            origin,
            correlationId,
            cancellationToken);
    }

    /// <summary>Stops a task plugin (any version of <paramref name="plugin"/>'s id). A model or prompt set cannot be deactivated: the service needs one; activate another.</summary>
    public Task<PluginOutcome> DeactivateAsync(PluginRef plugin, string origin, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return ChangeAsync(now => now.Without(plugin.Kind, plugin.Id, ConfiguredTasks), plugin.ToString(), origin, correlationId, cancellationToken);
    }

    /// <summary>Makes <paramref name="wanted"/> what runs, or refuses it with the reason and keeps what runs.</summary>
    public Task<PluginOutcome> ApplyAsync(ActivePlugins wanted, string origin, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        return ChangeAsync(_ => wanted, Subject(wanted), origin, correlationId, cancellationToken);
    }

    /// <summary>
    /// Applies the active file's content if it is still <paramref name="seen"/> once no other change is running.
    /// The file is read again under the lock that every change holds while it writes the file, so content that
    /// a change replaced after the watcher read it (an activation by MQTT or by the plugins root) is never taken
    /// for a new request and rolled back to. Returns null when there was nothing to apply.
    /// </summary>
    public async Task<PluginOutcome?> ApplyActiveFileAsync(ActivePlugins seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ActivePlugins now;
            try
            {
                now = ActivePlugins.Read(options.ActiveFile);
            }
            catch (InvalidDataException)
            {
                return null; // the watcher reports it when it reads the file next
            }

            if (!now.Equals(seen) || now.Equals(Active))
            {
                return null;
            }

            return await ApplyLockedAsync(now, "active file", "active-file", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The version of <paramref name="kind"/>/<paramref name="id"/> that runs now, or null if none does. A model or
    /// prompt set configured outside the plugins root counts under the id and version its manifest gives.
    /// </summary>
    public string? ActiveVersion(string kind, string id)
    {
        var now = Active;
        var running = models.Current;
        return kind switch
        {
            PluginRef.Models => now.Model is { } m ? (m.Id == id ? m.Version : null) : running.Package.Identity.Id == id ? running.Package.Identity.Version : null,
            PluginRef.Prompts => now.Prompts is { } p ? (p.Id == id ? p.Version : null) : running.Prompts.Set.Id == id ? running.Prompts.Set.Version : null,
            PluginRef.Prototypes => PrototypeRefs(now).Where(p => p.Id == id).Select(p => p.Version).Order(PluginVersion.Comparer).LastOrDefault(),
            _ => now.TasksOr(ConfiguredTasks).FirstOrDefault(t => t.Id == id)?.Version,
        };
    }

    /// <summary>Reports a new complete version under the plugins root (logged and published as <c>available</c>).</summary>
    public void Announce(PluginRef plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var name = plugin.ToString();
        PluginLog.NewVersion(logger, name);
        Publish(PluginEvents.Event(EventKinds.PluginAvailable, "plugins root", name, null, name));
    }

    /// <summary>The catalogue under the plugins root, with what runs now (the <c>plugins list</c> answer).</summary>
    public JsonObject Describe()
    {
        var now = Active;
        var running = models.Current;
        var activeTasks = now.TasksOr(ConfiguredTasks);
        var model = now.Model ?? PluginRef.Under(options.Root, running.Package.Directory);
        var prompts = now.Prompts ?? PluginRef.Under(options.Root, running.Prompts.Path);
        var prototypes = PrototypeRefs(now).ToHashSet();
        var versions = new JsonArray();
        foreach (var plugin in PluginCatalog.Scan(options.Root))
        {
            var isActive = plugin == model || plugin == prompts || activeTasks.Contains(plugin) || prototypes.Contains(plugin);
            versions.Add(new JsonObject { ["kind"] = plugin.Kind, ["id"] = plugin.Id, ["version"] = plugin.Version, ["active"] = isActive });
        }

        return new JsonObject
        {
            ["active"] = new JsonObject
            {
                ["model"] = new JsonObject { ["id"] = running.Package.Identity.Id, ["version"] = running.Package.Identity.Version, ["sha256"] = running.Package.Identity.Sha256 },
                ["prompts"] = new JsonObject { ["id"] = running.Prompts.Set.Id, ["version"] = running.Prompts.Set.Version, ["sha256"] = running.Prompts.Sha256 },
                ["tasks"] = new JsonArray(tasks.Current.Tasks.Select(t => (JsonNode)new JsonObject { ["name"] = t.Task.Name, ["plugin"] = t.Plugin, ["version"] = t.Version, ["sha256"] = t.Sha256 }).ToArray()),
                ["prototypes"] = new JsonArray(running.TaskPrototypes.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => (JsonNode)new JsonObject { ["task"] = p.Key, ["id"] = p.Value.Source.Id, ["version"] = p.Value.Source.Version, ["sha256"] = p.Value.Source.Sha256 }).ToArray()),
            },
            ["versions"] = versions,
        };
    }

    /// <inheritdoc />
    public void Dispose() => gate.Dispose();

    /// <summary>
    /// Computes the wanted state from what runs once the lock is held, so that two changes at once (an MQTT task
    /// activation while the plugins root activates a new model) compose instead of the later undoing the earlier.
    /// </summary>
    private async Task<PluginOutcome> ChangeAsync(Func<ActivePlugins, ActivePlugins> change, string subject, string origin, string correlationId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ActivePlugins wanted;
            try
            {
                wanted = change(Active);
            }
            catch (InvalidDataException e)
            {
                return Refuse(subject, origin, correlationId, e.Message);
            }

            return await ApplyLockedAsync(wanted, origin, correlationId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<PluginOutcome> ApplyLockedAsync(ActivePlugins wanted, string origin, string correlationId, CancellationToken cancellationToken)
    {
        var current = models.Current;
        var subject = Subject(wanted);
        string modelDirectory, promptFile;
        try
        {
            // Real paths: a link in the root that leads elsewhere is refused, never loaded.
            modelDirectory = wanted.Model?.CheckedDirectory(options.Root) ?? current.Package.Directory;
            _ = wanted.Prompts?.CheckedDirectory(options.Root);
            promptFile = wanted.Prompts?.DefiningFile(options.Root) ?? current.Prompts.Path;
            foreach (var set in (wanted.Prototypes ?? new Dictionary<string, PluginRef>()).Values.Distinct())
            {
                set.CheckedDirectory(options.Root);
            }
        }
        catch (InvalidDataException e)
        {
            Record(Active);
            return Refuse(subject, origin, correlationId, e.Message);
        }

        var prototypeFiles = wanted.PrototypeFiles(processing.TaskPrototypeSets, options.Root);
        var modelChanges = modelDirectory != current.Package.Directory || promptFile != current.Prompts.Path
            || !SameFiles(prototypeFiles, current.TaskPrototypeSets);
        var wantedTasks = wanted.TasksOr(ConfiguredTasks);
        var tasksChange = !wantedTasks.SequenceEqual(Active.TasksOr(ConfiguredTasks));
        if (!modelChanges && !tasksChange)
        {
            Record(wanted);
            return new PluginOutcome(true, null, wanted);
        }

        ModelRuntime? nextModel = null;
        SlideTaskSet? nextTasks = null;
        try
        {
            if (modelChanges)
            {
                PluginAllowList.Check(options, Path.Combine(modelDirectory, "model.json"));
                PluginAllowList.Check(options, promptFile);
                foreach (var set in (wanted.Prototypes ?? new Dictionary<string, PluginRef>()).Values.Distinct())
                {
                    PluginAllowList.Check(options, set.DefiningFile(options.Root));
                }

                // A prototype set is checked against the model it will run with (its id and width) as it loads.
                nextModel = await ModelRuntime.LoadAsync(modelDirectory, promptFile, current.TaskPromptSets, prototypeFiles, inference, encoding.BatchSize, zeroShot.TextEmbeddingCache, logger, cancellationToken).ConfigureAwait(false);
            }

            if (tasksChange)
            {
                nextTasks = TaskSetLoader.Load(wantedTasks, options, TaskHost.For(processing, loggers, models), logger);
            }

            CheckPrototypeTasks(wanted, (nextTasks ?? tasks.Current).Tasks.Select(t => t.Task.Name).ToList());
            TaskModelFit.Check(nextModel ?? models.Current, (nextTasks ?? tasks.Current).Tasks.Select(t => t.Task));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever a new version does wrong while it loads (a bad package, a plugin whose dependency will not
            // load, an ONNX graph the runtime rejects) is a refusal of that version, never the service's end.
            nextModel?.Dispose();
            nextTasks?.Dispose();
            Record(Active); // the active file says what runs, not what was refused
            return Refuse(subject, origin, correlationId, e.Message);
        }

        // Everything is loaded and verified: now swap. Slides in flight keep their leases on the previous ones.
        if (nextModel is not null)
        {
            models.Swap(nextModel);
        }

        if (nextTasks is not null)
        {
            tasks.Swap(nextTasks);
        }

        Record(wanted);
        var running = models.Current;
        var model = $"{running.Package.Identity.Id} {running.Package.Identity.Version}";
        var prompts = $"{running.Prompts.Set.Id} {running.Prompts.Set.Version}";
        var taskNames = string.Join(", ", tasks.Current.Tasks.Select(t => $"{t.Task.Name} ({t.Plugin} {t.Version})"));
        PluginLog.Activated(logger, model, prompts, taskNames, origin);
        Publish(PluginEvents.Event(EventKinds.PluginActivated, origin, subject, null, correlationId), PluginEvents.Active(Describe()["active"]!.AsObject(), correlationId));
        return new PluginOutcome(true, null, wanted);
    }

    /// <summary>
    /// A prototype set newly bound to a task name that no active task has would silently serve nothing (a typo, say):
    /// refused with the names there are. Bindings that were already in place are left alone, so that stopping a task
    /// is never refused because a prototype set still names it.
    /// </summary>
    private void CheckPrototypeTasks(ActivePlugins wanted, IReadOnlyList<string> taskNames)
    {
        var before = Active.Prototypes ?? new Dictionary<string, PluginRef>();
        foreach (var (task, set) in wanted.Prototypes ?? new Dictionary<string, PluginRef>())
        {
            if (!taskNames.Contains(task) && !(before.TryGetValue(task, out var was) && was == set))
            {
                throw new InvalidDataException($"{set}: no active task is named '{task}' (active: {string.Join(", ", taskNames.DefaultIfEmpty("none"))}).");
            }
        }
    }

    /// <summary>The prototype set plugins that serve tasks in <paramref name="now"/>: the active file's, and configured files that lie under the plugins root.</summary>
    private IEnumerable<PluginRef> PrototypeRefs(ActivePlugins now) =>
        ActivePlugins.Serving(now.PrototypeFiles(processing.TaskPrototypeSets, options.Root), options.Root).Select(g => g.Key);

    private List<string> TasksServedBy(ActivePlugins now, string id) =>
        ActivePlugins.TasksServedBy(now.PrototypeFiles(processing.TaskPrototypeSets, options.Root), options.Root, id);

    private static bool SameFiles(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && Path.GetFullPath(other) == Path.GetFullPath(p.Value));

    private PluginOutcome Refuse(string subject, string origin, string correlationId, string reason)
    {
        PluginLog.Refused(logger, subject, origin, reason);
        Publish(PluginEvents.Event(EventKinds.PluginRefused, origin, subject, reason, correlationId));
        return new PluginOutcome(false, reason, Active);
    }

    private void Record(ActivePlugins now)
    {
        Volatile.Write(ref active, now);
        try
        {
            if (!ActivePlugins.Read(options.ActiveFile).Equals(now))
            {
                now.Write(options.ActiveFile);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            try
            {
                now.Write(options.ActiveFile); // a damaged file is replaced by what actually runs
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // What runs is in effect; only a restart would fall back to the file's older content.
                PluginLog.ActiveFileNotWritten(logger, Path.GetFullPath(options.ActiveFile), again.Message);
            }
        }
    }

    private void Publish(params JournalEvent[] messages)
    {
        journal.Enqueue(messages);
        outbox.Set();
    }

    private static string Subject(ActivePlugins wanted) =>
        string.Join(", ", new[] { wanted.Model?.ToString(), wanted.Prompts?.ToString() }.Concat((wanted.Tasks ?? []).Select(t => t.ToString())).Where(s => s is not null).DefaultIfEmpty("(as configured)"));

    private static ActivePlugins ReadStartState(PluginOptions options)
    {
        try
        {
            return ActivePlugins.Read(options.ActiveFile);
        }
        catch (InvalidDataException)
        {
            return ActivePlugins.None; // reported by the active-file watcher, which keeps looking at it
        }
    }
}

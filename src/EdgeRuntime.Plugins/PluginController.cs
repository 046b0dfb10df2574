using System.Text.Json.Nodes;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.ZeroShot;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Plugins.Control;
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
/// The controller orchestrates; each job is its own class: the active file (<see cref="ActiveFileRecord"/>), the
/// catalogue (<see cref="PluginCatalogue"/>), prototype sets' checks (<see cref="PrototypeSetChecks"/>) and the
/// events (<see cref="PluginEventPublisher"/>).
/// </summary>
internal sealed class PluginController(
    PluginOptions options,
    ModelProvider models,
    TaskProvider tasks,
    InferenceOptions inference,
    EncodingOptions encoding,
    ZeroShotOptions zeroShot,
    IOutbox journal,
    OutboxSignal outbox,
    ProcessingOptions processing,
    ILoggerFactory loggers,
    ILogger<PluginController> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ActiveFileRecord record = new(options, logger);
    private readonly PluginCatalogue catalogue = new(options, models, tasks, processing);
    private readonly PluginEventPublisher events = new(journal, outbox);

    /// <summary>What runs now, as recorded in the active file.</summary>
    public ActivePlugins Active => record.Current;

    /// <summary>The configured tasks (what runs when the active file names none).</summary>
    public IReadOnlyList<PluginRef> ConfiguredTasks => options.ConfiguredTasks;

    /// <summary>Makes one plugin version active (a model, prompt set or cell head replaces the current one; a task joins, replacing another version of itself; a prototype set replaces its other versions).</summary>
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
            now => now.With(plugin, ConfiguredTasks, forTasks is { Count: > 0 } || plugin.Kind != PluginRef.Prototypes ? forTasks : catalogue.TasksServedBy(now, plugin.Id)),
            plugin.ToString(),
            origin,
            correlationId,
            cancellationToken);
    }

    /// <summary>
    /// Makes several plugin versions active as one change (a model with the prototype set it made, and the tasks
    /// that go with them): the wanted state is composed from every part, each part loaded and verified against the
    /// others (a prototype set against the new model), then all are swapped at one instant, or the whole change is
    /// refused with the reason of the part that failed and nothing changes. A rollback is the same call with the
    /// previous versions (and <c>kind/id/-</c> parts for what the change had added).
    /// </summary>
    public Task<PluginOutcome> ActivateAllAsync(IReadOnlyList<PluginPart> parts, string origin, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var subject = string.Join(" + ", parts.Select(p => p.Plugin.ToString()));
        if (parts.Count == 0)
        {
            return Task.FromResult(Refuse("(nothing)", origin, correlationId, "a change names no plugin version."));
        }

        foreach (var part in parts.Where(p => !p.Stops))
        {
            string definingFile;
            try
            {
                definingFile = part.Plugin.DefiningFile(options.Root);
            }
            catch (InvalidDataException e)
            {
                return Task.FromResult(Refuse(subject, origin, correlationId, $"{part.Plugin}: {e.Message}"));
            }

            if (!File.Exists(definingFile))
            {
                return Task.FromResult(Refuse(subject, origin, correlationId, $"{definingFile}: no such plugin version ({part.Plugin})."));
            }
        }

        return ChangeAsync(now => PluginPart.Compose(now, parts, ConfiguredTasks, id => catalogue.TasksServedBy(now, id)), subject, origin, correlationId, cancellationToken);
    }

    /// <summary>Stops a task plugin, a prototype set or a cell head (any version of <paramref name="plugin"/>'s id; a head gives way to the configured one). A model or prompt set cannot be deactivated: the service needs one; activate another.</summary>
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
            var now = record.ReadFile(); // unreadable: the watcher reports it when it reads the file next
            if (now is null || !now.Equals(seen) || now.Equals(Active))
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
    public string? ActiveVersion(string kind, string id) => catalogue.ActiveVersion(Active, kind, id);

    /// <summary>Reports a new complete version under the plugins root (logged and published as <c>available</c>).</summary>
    public void Announce(PluginRef plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var name = plugin.ToString();
        PluginLog.NewVersion(logger, name);
        events.Publish(PluginEvents.Event(EventKinds.PluginAvailable, "plugins root", name, null, name));
    }

    /// <summary>The catalogue under the plugins root, with what runs now (the <c>plugins list</c> answer).</summary>
    public JsonObject Describe() => catalogue.Describe(Active);

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
        string? headDirectory;
        try
        {
            // Real paths: a link in the root that leads elsewhere is refused, never loaded.
            modelDirectory = wanted.Model?.CheckedDirectory(options.Root) ?? current.Package.Directory;
            _ = wanted.Prompts?.CheckedDirectory(options.Root);
            promptFile = wanted.Prompts?.DefiningFile(options.Root) ?? current.Prompts.Path;
            PrototypeSetChecks.CheckFolders(wanted, options.Root);
            headDirectory = wanted.Head?.CheckedDirectory(options.Root) ?? ConfiguredHead;
        }
        catch (InvalidDataException e)
        {
            record.Record(Active);
            return Refuse(subject, origin, correlationId, e.Message);
        }

        var prototypeFiles = wanted.PrototypeFiles(processing.TaskPrototypeSets, options.Root);
        // A cell head rides with the model it reads (its tokens): a head change reloads the model runtime, as a prompt or
        // prototype change does, so that a slide's one lease holds a model and a head that fit each other.
        var modelChanges = modelDirectory != current.Package.Directory || promptFile != current.Prompts.Path
            || !SameFiles(prototypeFiles, current.TaskPrototypeSets) || !SamePath(headDirectory, current.CellHeadDirectory);
        var wantedTasks = wanted.TasksOr(ConfiguredTasks);
        var tasksChange = !wantedTasks.SequenceEqual(Active.TasksOr(ConfiguredTasks));
        if (!modelChanges && !tasksChange)
        {
            record.Record(wanted);
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
                PrototypeSetChecks.CheckAllowed(wanted, options);
                if (wanted.Head is { } head)
                {
                    PluginAllowList.Check(options, head.DefiningFile(options.Root));
                }

                // A prototype set is checked against the model it will run with (its id and width) as it loads, and a
                // cell head against the encoder it was trained on (id and model.json hash): a model swap that the
                // running head does not fit is refused here, as is a head made for another model.
                nextModel = await ModelRuntime.LoadAsync(modelDirectory, promptFile, current.TaskPromptSets, prototypeFiles, headDirectory, inference, encoding.BatchSize, zeroShot.TextEmbeddingCache, logger, cancellationToken).ConfigureAwait(false);
            }

            if (tasksChange)
            {
                nextTasks = TaskSetLoader.Load(wantedTasks, options, TaskHost.For(processing, loggers, models), logger);
            }

            PrototypeSetChecks.CheckTasks(Active, wanted, (nextTasks ?? tasks.Current).Tasks.Select(t => t.Task.Name).ToList());
            TaskModelFit.Check(nextModel ?? models.Current, (nextTasks ?? tasks.Current).Tasks.Select(t => t.Task));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever a new version does wrong while it loads (a bad package, a plugin whose dependency will not
            // load, an ONNX graph the runtime rejects) is a refusal of that version, never the service's end.
            nextModel?.Dispose();
            nextTasks?.Dispose();
            record.Record(Active); // the active file says what runs, not what was refused
            return Refuse(subject, origin, correlationId, e.Message);
        }

        // Everything is loaded and verified: now swap, model and tasks at one instant (a slide leases both at once,
        // so none starts on half of the change). Slides in flight keep their leases on the previous ones.
        SwapTogether.Swap(models, nextModel, tasks, nextTasks);

        record.Record(wanted);
        var running = models.Current;
        var model = $"{running.Package.Identity.Id} {running.Package.Identity.Version}"
            + (running.CellHead is { } cells ? $" with cell head {cells.Identity.Id} {cells.Identity.Version}" : "");
        var prompts = $"{running.Prompts.Set.Id} {running.Prompts.Set.Version}";
        var taskNames = string.Join(", ", tasks.Current.Tasks.Select(t => $"{t.Task.Name} ({t.Plugin} {t.Version})"));
        PluginLog.Activated(logger, model, prompts, taskNames, origin);
        events.Publish(PluginEvents.Event(EventKinds.PluginActivated, origin, subject, null, correlationId), PluginEvents.Active(Describe()["active"]!.AsObject(), correlationId));
        return new PluginOutcome(true, null, wanted);
    }

    // The configured head (EdgeRuntime:Processing:CellHead): what runs while the active file names none.
    private string? ConfiguredHead => string.IsNullOrWhiteSpace(processing.CellHead) ? null : Path.GetFullPath(processing.CellHead);

    private static bool SamePath(string? a, string? b) =>
        a is null || b is null ? a is null && b is null : Path.GetFullPath(a) == Path.GetFullPath(b);

    private static bool SameFiles(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && Path.GetFullPath(other) == Path.GetFullPath(p.Value));

    private PluginOutcome Refuse(string subject, string origin, string correlationId, string reason)
    {
        PluginLog.Refused(logger, subject, origin, reason);
        events.Publish(PluginEvents.Event(EventKinds.PluginRefused, origin, subject, reason, correlationId));
        return new PluginOutcome(false, reason, Active);
    }

    // Every plugin of the wanted state, prototype sets included: the event of a change that moved a task to a prototype
    // set named the model and tasks alone, as if the set had not changed (the tasks each set serves are in the
    // `active` event that follows).
    private static string Subject(ActivePlugins wanted) =>
        string.Join(", ", new[] { wanted.Model?.ToString(), wanted.Prompts?.ToString(), wanted.Head?.ToString() }
            .Concat((wanted.Tasks ?? []).Select(t => t.ToString()))
            .Concat((wanted.Prototypes ?? new Dictionary<string, PluginRef>()).Values.Distinct().Select(p => p.ToString()).Order(StringComparer.Ordinal))
            .Where(s => s is not null).DefaultIfEmpty("(as configured)"));
}

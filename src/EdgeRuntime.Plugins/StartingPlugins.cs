using System.Text.Json;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Journal;
using EdgeRuntime.Journal.Events;
using EdgeRuntime.Journal.Outbox;
using EdgeRuntime.Journal.Signals;
using EdgeRuntime.Plugins.Models;
using EdgeRuntime.Plugins.Tasks;
using EdgeRuntime.Runtime.Swapping;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Plugins;

/// <summary>
/// What the service starts with when the active file names a version that cannot be used (broken, refused by its
/// verification, gone, not on the allow-list): that version is left out, its kind falls back to what the
/// configuration gives (a task to its configured version, or none), and the service starts. Before, one such version
/// stopped <c>edgert run</c> with exit 1, so a bad activation that survived in the file kept the node down. Each
/// version left out is logged, published as <c>plugin.refused</c> (origin <c>start</c>), kept for <c>edgert
/// status</c>, and shown by <c>edgert plugins list</c> from its recorded verdict; the active file is rewritten to
/// what runs, as after any refused change.
/// </summary>
public static class StartingPlugins
{
    /// <summary>The file in the state folder that lists the versions left out at the last start.</summary>
    public const string RefusalsFile = "start-refusals.json";

    private const string Origin = "start";

    /// <summary>A version left out at start, and why.</summary>
    /// <param name="Plugin">The version, as <c>kind/id/version</c>.</param>
    /// <param name="Reason">Why it cannot be used.</param>
    public sealed record Refusal(string Plugin, string Reason);

    /// <summary>
    /// The active file's model, prompt set, prototype sets and cell head that pass the checks an activation makes (the model's
    /// in a child process); each that does not is left out of the result, with its reason added to <paramref name="refused"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The active file itself cannot be read.</exception>
    public static ActivePlugins UsableModelParts(PluginOptions options, InferenceOptions inference, string configuredModelDirectory, ILogger logger, List<Refusal> refused)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(refused);
        var active = ActivePlugins.Read(options.ActiveFile);
        if (active.Model is { } model && !Usable(model, () => CheckModel(model, options, inference), refused))
        {
            active = active with { Model = null };
        }

        if (active.Prompts is { } prompts && !Usable(prompts, () => PluginVerifier.Verify(prompts, options, inference, logger), refused))
        {
            active = active with { Prompts = null };
        }

        if (active.Prototypes is { Count: > 0 } sets)
        {
            var modelDirectory = active.Model?.Directory(options.Root) ?? configuredModelDirectory;
            var good = sets.Values.Distinct().Where(set => Usable(set, () => PluginVerifier.Verify(set, options, inference, logger, modelDirectory), refused)).ToHashSet();
            active = active with { Prototypes = sets.Where(s => good.Contains(s.Value)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal) };
        }

        if (active.Head is { } head)
        {
            var modelDirectory = active.Model?.Directory(options.Root) ?? configuredModelDirectory;
            if (!Usable(head, () => PluginVerifier.Verify(head, options, inference, logger, modelDirectory), refused))
            {
                active = active with { Head = null };
            }
        }

        return active;
    }

    /// <summary>
    /// The tasks that run at start (the active file's, else the configured ones), each verified and loaded on its
    /// own: one that cannot be used falls back to its configured version if that is another and loads, else is left
    /// out, with its reason added to <paramref name="refused"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The active file cannot be read, or the usable tasks conflict (two of one name).</exception>
    public static (SlideTaskSet Set, IReadOnlyList<PluginRef> Running) LoadUsableTasks(PluginOptions options, TaskHost host, ILogger logger, List<Refusal> refused)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(refused);
        if (!options.Enabled)
        {
            return (SlideTaskSet.Empty, []);
        }

        var running = new List<PluginRef>();
        foreach (var plugin in ActivePlugins.Read(options.ActiveFile).TasksOr(options.ConfiguredTasks))
        {
            var configured = options.ConfiguredTasks.FirstOrDefault(t => t.Id == plugin.Id && t != plugin);
            foreach (var candidate in new[] { plugin, configured }.OfType<PluginRef>())
            {
                if (Usable(candidate, () => TaskSetLoader.Load([candidate], options, host, logger).Dispose(), refused))
                {
                    running.Add(candidate);
                    break;
                }
            }
        }

        return (TaskSetLoader.Load(running, options, host, logger), running);
    }

    /// <summary>
    /// Reports the versions left out: each logged and queued as <c>plugin.refused</c>; the list kept in the state folder
    /// for <c>edgert status</c> (removed when none was); the active file rewritten to <paramref name="running"/> when
    /// something was left out, so that the file says what runs.
    /// </summary>
    public static void Report(IReadOnlyList<Refusal> refused, ActivePlugins running, PluginOptions options, IOutbox journal, OutboxSignal outbox, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(refused);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(outbox);
        var file = Path.Combine(options.StateDirectory, RefusalsFile);
        try
        {
            if (refused.Count == 0)
            {
                File.Delete(file);
                return;
            }

            Foundation.Files.AtomicFile.WriteText(file, JsonSerializer.Serialize(refused));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PluginLog.ActiveFileNotWritten(logger, file, e.Message);
        }

        foreach (var refusal in refused)
        {
            PluginLog.Refused(logger, refusal.Plugin, Origin, refusal.Reason);
        }

        journal.Enqueue(refused.Select(r => PluginEvents.Event(EventKinds.PluginRefused, Origin, r.Plugin, r.Reason, Origin)));
        outbox.Set();
        try
        {
            if (options.Enabled)
            {
                running.Write(options.ActiveFile);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PluginLog.ActiveFileNotWritten(logger, Path.GetFullPath(options.ActiveFile), e.Message);
        }
    }

    /// <summary>The versions left out at the last start of the service whose state folder <paramref name="options"/> names.</summary>
    public static IReadOnlyList<Refusal> LastRefused(PluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var file = Path.Combine(options.StateDirectory, RefusalsFile);
            return File.Exists(file) ? JsonSerializer.Deserialize<List<Refusal>>(File.ReadAllText(file)) ?? [] : [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void CheckModel(PluginRef model, PluginOptions options, InferenceOptions inference)
    {
        var directory = model.CheckedDirectory(options.Root);
        var manifest = model.DefiningFile(options.Root);
        if (!File.Exists(manifest))
        {
            throw new InvalidDataException($"{manifest}: no such plugin version ({model}).");
        }

        PluginAllowList.Check(options, manifest);
        ModelPackageIsolation.Verify(directory, inference, options); // its verdict is kept: the load that follows does not run the child again
    }

    private static bool Usable(PluginRef plugin, Action check, List<Refusal> refused)
    {
        try
        {
            check();
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or ModelPackageException or Inference.Heads.CellHeadException or IOException or UnauthorizedAccessException)
        {
            var message = e switch
            {
                ModelPackageException package => string.Join(" ", package.Problems),
                Inference.Heads.CellHeadException head => string.Join(" ", head.Problems),
                _ => e.Message,
            };
            refused.Add(new Refusal(plugin.ToString(), message));
            return false;
        }
    }
}

using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Plugins;
using EdgeRuntime.Plugins.Changes;
using EdgeRuntime.Plugins.Control;
using EdgeRuntime.Plugins.Models;
using EdgeRuntime.Plugins.Tasks;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert plugins list | activate | deactivate</c>: the versions under the plugins root, and changing what the running service uses.</summary>
internal static class PluginCommands
{
    public static Command Create(CliOutput output)
    {
        var plugins = new Command("plugins", "Model, prompt, prototype, cell head and task plugins under EdgeRuntime:Plugins:Root (models|prompts|prototypes|heads|tasks/{id}/{version}).");
        plugins.Subcommands.Add(List(output));
        plugins.Subcommands.Add(Activate(output));
        plugins.Subcommands.Add(Deactivate(output));
        return plugins;
    }

    private static Command List(CliOutput output)
    {
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var hashes = new Option<bool>("--hashes") { Description = "Also print each version's hash, as EdgeRuntime:Plugins:AllowedSha256 takes it." };
        var command = new Command("list", "List every plugin version present, marking the active ones with *.") { config, hashes };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var active = ActivePlugins.Read(settings.Plugins.ActiveFile);
            var tasks = active.TasksOr(settings.Plugins.ConfiguredTasks);

            // Until an admin activates one, the configured model and prompt set run: plugins too, if under the root.
            var model = active.Model ?? PluginRef.Under(settings.Plugins.Root, settings.ModelPackageDirectory);
            var prompts = active.Prompts ?? PluginRef.Under(settings.Plugins.Root, settings.PromptSetPath);
            settings.ApplyActivePlugins();
            var served = ActivePlugins.Serving(settings.TaskPrototypeSetPaths, settings.Plugins.Root);
            var head = settings.CellHeadDirectory is { } headDirectory ? PluginRef.Under(settings.Plugins.Root, headDirectory) : null;
            var rows = new List<string[]>();
            foreach (var plugin in PluginCatalog.Scan(settings.Plugins.Root))
            {
                var mark = plugin == model || plugin == prompts || plugin == head || tasks.Contains(plugin) || served.Contains(plugin) ? "*" : " ";
                var hash = parse.GetValue(hashes) ? Hash(plugin, settings.Plugins.Root) : null;
                var forTasks = served.Contains(plugin) ? $"for {string.Join(", ", served[plugin])}" : null;
                var refused = Refusal(plugin, settings.Plugins, model) is { } reason ? $"refused: {reason}" : null;
                var serves = plugin.Kind == PluginRef.Models ? ModelServesText(plugin.Directory(settings.Plugins.Root)) : null;
                rows.Add([mark, plugin.Kind, plugin.Id, plugin.Version, .. new[] { hash, forTasks, serves, refused }.OfType<string>()]);
            }

            // Columns as wide as their longest entry: kinds, ids and versions of any length line up.
            var widths = Enumerable.Range(1, 3).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
            {
                var cells = new[] { row[1].PadRight(widths[0]), row[2].PadRight(widths[1]), row[3].PadRight(widths[2]) }.Concat(row.Skip(4));
                output.Out.WriteLine($"{row[0]} {string.Join("  ", cells)}".TrimEnd());
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    // What a model serves follows from its kind; with its licence and terms, so a gated or non-commercial model says so.
    private static string? ModelServesText(string directory)
    {
        try
        {
            return Inference.Packages.ModelServes.Describe(Inference.Packages.ModelPackage.ReadManifest(directory));
        }
        catch (Inference.Packages.ModelPackageException)
        {
            return null; // the refusal column says what is wrong with it
        }
    }

    private static Command Activate(CliOutput output)
    {
        var (kind, id, config) = Arguments("models, prompts, prototypes, heads or tasks.");
        var version = new Argument<string>("version") { Description = "Version to activate (the previous one, for a rollback)." };
        var forTasks = new Option<string[]>("--task")
        {
            Description = "Prototype sets only: the task that scores against the set in place of its prompt set (repeat for several). Default: the tasks another version of the set serves now.",
            AllowMultipleArgumentsPerToken = false,
        };
        var with = new Option<string[]>("--with")
        {
            Description = "Another version to activate in the same change, as kind/id/version (repeat for several; kind/id/- stops a task or prototype set): all are verified together (a prototype set against the model of the change) and swapped at one instant, or all refused. --task goes to the prototype sets among them.",
            AllowMultipleArgumentsPerToken = false,
        };
        var (noWait, waitSeconds) = WaitOptions();
        var command = new Command("activate", "Verify a plugin version in full, then make it active: the running service swaps to it for the slides that start next (this waits for its word); slides in flight finish on what they started with. With no service running, it takes effect when the service starts. A task plugin joins the active tasks, replacing another version of itself; a prototype set serves the tasks named by --task. With --with, several versions change as one.")
        {
            kind, id, version, forTasks, with, config, noWait, waitSeconds,
        };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var plugin = new PluginRef(parse.GetValue(kind)!, parse.GetValue(id)!, parse.GetValue(version)!);
            var tasks = parse.GetValue(forTasks) is { Length: > 0 } named ? named : null;
            if (parse.GetValue(with) is { Length: > 0 } more)
            {
                return ActivateTogether(output, settings, PluginChangeRequest.New(PluginChangeRequest.Activate, plugin.ToString(), tasks, more), new ChangeWait(parse.GetValue(noWait), parse.GetValue(waitSeconds)));
            }

            settings.ApplyActivePlugins(); // a prototype set is checked against the model that runs

            // The same checks the service makes, before the service ever sees it.
            using (var logging = ModelLoading.Logging(output.Error))
            {
                PluginVerifier.Verify(plugin, settings.Plugins, settings.Inference, logging.CreateLogger("edgert"), settings.ModelPackageDirectory);
            }

            var wait = new ChangeWait(parse.GetValue(noWait), parse.GetValue(waitSeconds));
            return PluginChanges.Apply(
                output,
                settings,
                PluginChangeRequest.New(PluginChangeRequest.Activate, plugin.ToString(), tasks),
                active =>
                {
                    // No service: the active file is the request, taken at the next start.
                    var forThese = tasks ?? (plugin.Kind == PluginRef.Prototypes ? [.. ActivePlugins.TasksServedBy(settings.TaskPrototypeSetPaths, settings.Plugins.Root, plugin.Id)] : null);
                    return active.With(plugin, settings.Plugins.ConfiguredTasks, forThese);
                },
                now => plugin.Kind == PluginRef.Prototypes
                    ? $"active: {plugin} for {string.Join(", ", (now.Prototypes ?? new Dictionary<string, PluginRef>()).Where(p => p.Value == plugin).Select(p => p.Key).Order(StringComparer.Ordinal))}"
                    : $"active: {plugin}",
                wait);
        }));
        return command;
    }

    // Several versions as one change: each verified as the service will load it (a prototype set against the model the
    // change brings, if it brings one), then one request, applied by the service as one swap or refused whole.
    private static int ActivateTogether(CliOutput output, EdgertSettings settings, PluginChangeRequest request, ChangeWait wait)
    {
        IReadOnlyList<PluginPart> parts;
        try
        {
            parts = request.Parts();
        }
        catch (FormatException e)
        {
            throw new SettingsException([$"--with: {e.Message}"]);
        }

        settings.ApplyActivePlugins();
        var model = parts.FirstOrDefault(p => p.Plugin.Kind == PluginRef.Models)?.Plugin.Directory(settings.Plugins.Root) ?? settings.ModelPackageDirectory;
        using (var logging = ModelLoading.Logging(output.Error))
        {
            foreach (var part in parts.Where(p => !p.Stops))
            {
                PluginVerifier.Verify(part.Plugin, settings.Plugins, settings.Inference, logging.CreateLogger("edgert"), model);
            }
        }

        var names = string.Join(", ", parts.Select(p => p.Plugin.ToString()));
        return PluginChanges.Apply(
            output,
            settings,
            request,
            active => PluginPart.Compose(active, parts, settings.Plugins.ConfiguredTasks, id => ActivePlugins.TasksServedBy(settings.TaskPrototypeSetPaths, settings.Plugins.Root, id)),
            _ => $"active: {names}",
            wait);
    }

    private static Command Deactivate(CliOutput output)
    {
        var (kind, id, config) = Arguments("tasks, prototypes or heads (a model or prompt set is replaced with activate, never left out).");
        var (noWait, waitSeconds) = WaitOptions();
        var command = new Command("deactivate", "Stop running a task plugin, a prototype set (its tasks go back to their configured classes) or a cell head (the configured one, if any, runs again): slides that start next no longer get it; slides in flight finish with it. With a service running, waits for its word.")
        {
            kind, id, config, noWait, waitSeconds,
        };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var (kindName, name) = (parse.GetValue(kind)!, parse.GetValue(id)!);
            return PluginChanges.Apply(
                output,
                settings,
                PluginChangeRequest.New(PluginChangeRequest.Deactivate, $"{kindName}/{name}/-", null),
                active => active.Without(kindName, name, settings.Plugins.ConfiguredTasks),
                _ => $"deactivated: {kindName}/{name}",
                new ChangeWait(parse.GetValue(noWait), parse.GetValue(waitSeconds)));
        }));
        return command;
    }

    private static (Option<bool> NoWait, Option<double> WaitSeconds) WaitOptions() => (
        new Option<bool>("--no-wait") { Description = "With a service running: queue the change and return at once, without waiting for the service's word." },
        new Option<double>("--wait-seconds") { Description = "With a service running: how long to wait for its word (a model takes a while to load). Default 300.", DefaultValueFactory = _ => 300 });

    private static (Argument<string> Kind, Argument<string> Id, Option<FileInfo?> Config) Arguments(string kindDescription)
    {
        var kind = new Argument<string>("kind") { Description = kindDescription };
        kind.AcceptOnlyFromAmong([.. PluginRef.Kinds]);
        var id = new Argument<string>("id") { Description = "Plugin id (its folder under the kind's folder)." };
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        return (kind, id, config);
    }

    private static string Hash(PluginRef plugin, string root)
    {
        try
        {
            return PluginHash.Of(plugin, root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return "(unreadable)";
        }
    }

    /// <summary>
    /// Why the version's present files were refused, if they were: a link out of the root, or a recorded verification
    /// (a cell head's, as kept for it with the model that runs: a head is verified on its model's tokens).
    /// </summary>
    private static string? Refusal(PluginRef plugin, PluginOptions options, PluginRef? model)
    {
        try
        {
            plugin.CheckedDirectory(options.Root);
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }

        var verdict = plugin.Kind switch
        {
            PluginRef.Tasks => TaskPluginIsolation.RecordedRefusal(plugin, options),
            PluginRef.Models => ModelPackageIsolation.RecordedRefusal(plugin.Directory(options.Root), options),
            PluginRef.Heads when model is not null => ModelPackageIsolation.RecordedRefusal(plugin.Directory(options.Root), options, model.Directory(options.Root)),
            _ => null,
        };
        return verdict ?? (StartingPlugins.LastRefused(options).FirstOrDefault(r => r.Plugin == plugin.ToString()) is { } atStart ? $"at the last start: {atStart.Reason}" : null);
    }

    private static EdgertSettings Enabled(FileInfo? config)
    {
        var settings = EdgertSettings.Load(config?.FullName);
        if (!settings.Plugins.Enabled)
        {
            throw new SettingsException([$"{PluginOptions.Section}:{nameof(PluginOptions.Root)} is empty: set the plugins root to use plugins."]);
        }

        return settings;
    }
}

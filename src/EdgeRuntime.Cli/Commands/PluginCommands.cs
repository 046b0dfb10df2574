using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Plugins;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert plugins list | activate | deactivate</c>: the versions under the plugins root, and changing what the running service uses.</summary>
internal static class PluginCommands
{
    public static Command Create(CliOutput output)
    {
        var plugins = new Command("plugins", "Model, prompt, prototype and task plugins under EdgeRuntime:Plugins:Root (models|prompts|prototypes|tasks/{id}/{version}).");
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
            foreach (var plugin in PluginCatalog.Scan(settings.Plugins.Root))
            {
                var mark = plugin == model || plugin == prompts || tasks.Contains(plugin) || served.Contains(plugin) ? "*" : " ";
                var hash = parse.GetValue(hashes) ? "  " + PluginHash.Of(plugin, settings.Plugins.Root) : string.Empty;
                var forTasks = served.Contains(plugin) ? $"  for {string.Join(", ", served[plugin])}" : string.Empty;
                output.Out.WriteLine($"{mark} {plugin.Kind,-8} {plugin.Id,-28} {plugin.Version,-10}{hash}{forTasks}".TrimEnd());
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Activate(CliOutput output)
    {
        var (kind, id, config) = Arguments("models, prompts, prototypes or tasks.");
        var version = new Argument<string>("version") { Description = "Version to activate (the previous one, for a rollback)." };
        var forTasks = new Option<string[]>("--task")
        {
            Description = "Prototype sets only: the task that scores against the set in place of its prompt set (repeat for several). Default: the tasks another version of the set serves now.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("activate", "Verify a plugin version in full, then make it active: the running service swaps to it for the slides that start next; slides in flight finish on what they started with. A task plugin joins the active tasks, replacing another version of itself; a prototype set serves the tasks named by --task.")
        {
            kind, id, version, forTasks, config,
        };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var plugin = new PluginRef(parse.GetValue(kind)!, parse.GetValue(id)!, parse.GetValue(version)!);
            var active = ActivePlugins.Read(settings.Plugins.ActiveFile);
            settings.ApplyActivePlugins(); // a prototype set is checked against the model that runs

            // The same checks the service makes, before the service ever sees it.
            using (var logging = ModelLoading.Logging(output.Error))
            {
                PluginVerifier.Verify(plugin, settings.Plugins, settings.Inference, logging.CreateLogger("edgert"), settings.ModelPackageDirectory);
            }

            var tasks = parse.GetValue(forTasks) is { Length: > 0 } named ? named : null;
            if (tasks is null && plugin.Kind == PluginRef.Prototypes)
            {
                tasks = [.. ActivePlugins.TasksServedBy(settings.TaskPrototypeSetPaths, settings.Plugins.Root, plugin.Id)];
            }

            active.With(plugin, settings.Plugins.ConfiguredTasks, tasks).Write(settings.Plugins.ActiveFile);
            output.Out.WriteLine(plugin.Kind == PluginRef.Prototypes ? $"active: {plugin} for {string.Join(", ", tasks ?? [])}" : $"active: {plugin}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Deactivate(CliOutput output)
    {
        var (kind, id, config) = Arguments("tasks or prototypes (a model or prompt set is replaced with activate, never left out).");
        var command = new Command("deactivate", "Stop running a task plugin, or a prototype set (its tasks go back to their configured classes): slides that start next no longer get it; slides in flight finish with it.")
        {
            kind, id, config,
        };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var name = parse.GetValue(id)!;
            ActivePlugins.Read(settings.Plugins.ActiveFile).Without(parse.GetValue(kind)!, name, settings.Plugins.ConfiguredTasks).Write(settings.Plugins.ActiveFile);
            output.Out.WriteLine($"deactivated: {parse.GetValue(kind)}/{name}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static (Argument<string> Kind, Argument<string> Id, Option<FileInfo?> Config) Arguments(string kindDescription)
    {
        var kind = new Argument<string>("kind") { Description = kindDescription };
        kind.AcceptOnlyFromAmong([.. PluginRef.Kinds]);
        var id = new Argument<string>("id") { Description = "Plugin id (its folder under the kind's folder)." };
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        return (kind, id, config);
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

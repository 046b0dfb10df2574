using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.Plugins;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert plugins list | activate</c>: the versions under the plugins root, and switching the running service to one.</summary>
internal static class PluginCommands
{
    public static Command Create(CliOutput output)
    {
        var plugins = new Command("plugins", "Model and prompt plugins under EdgeRuntime:Plugins:Root (models/{id}/{version}, prompts/{id}/{version}).");
        plugins.Subcommands.Add(List(output));
        plugins.Subcommands.Add(Activate(output));
        return plugins;
    }

    private static Command List(CliOutput output)
    {
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var command = new Command("list", "List every plugin version present, marking the active ones.") { config };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var active = ActivePlugins.Read(settings.Plugins.ActiveFile);
            foreach (var plugin in PluginCatalog.Scan(settings.Plugins.Root))
            {
                var mark = plugin == active.Model || plugin == active.Prompts ? "*" : " ";
                output.Out.WriteLine($"{mark} {plugin.Kind,-8} {plugin.Id,-28} {plugin.Version}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Activate(CliOutput output)
    {
        var kind = new Argument<string>("kind") { Description = "models or prompts." };
        kind.AcceptOnlyFromAmong(PluginRef.Models, PluginRef.Prompts);
        var id = new Argument<string>("id") { Description = "Plugin id." };
        var version = new Argument<string>("version") { Description = "Version to activate (the previous one, for a rollback)." };
        var config = new Option<FileInfo?>("--config") { Description = "Extra JSON configuration file." };
        var command = new Command("activate", "Verify a plugin version in full, then make it active: the running service swaps to it for the slides that start next; slides in flight finish on the version they started with.")
        {
            kind, id, version, config,
        };
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = Enabled(parse.GetValue(config));
            var plugin = new PluginRef(parse.GetValue(kind)!, parse.GetValue(id)!, parse.GetValue(version)!);
            if (!File.Exists(plugin.DefiningFile(settings.Plugins.Root)))
            {
                throw new InvalidDataException($"{plugin.DefiningFile(settings.Plugins.Root)}: no such plugin version ({plugin}).");
            }

            // The same checks the service makes, before the service ever sees it.
            PluginAllowList.Check(settings.Plugins, plugin.DefiningFile(settings.Plugins.Root));
            if (plugin.Kind == PluginRef.Models)
            {
                using var logging = ModelLoading.Logging(output.Error);
                ModelPackage.Load(plugin.Directory(settings.Plugins.Root), settings.Inference, logging.CreateLogger("edgert")).Dispose();
            }
            else
            {
                PromptSetFile.Load(plugin.DefiningFile(settings.Plugins.Root));
            }

            var active = ActivePlugins.Read(settings.Plugins.ActiveFile);
            (plugin.Kind == PluginRef.Models ? active with { Model = plugin } : active with { Prompts = plugin }).Write(settings.Plugins.ActiveFile);
            output.Out.WriteLine($"active: {plugin}");
            return ExitCodes.Success;
        }));
        return command;
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

using System.CommandLine;
using EdgeRuntime.Plugins.Tasks;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// The hidden command that edgert starts as a child to verify a task plugin (<see cref="TaskPluginIsolation"/>):
/// not for people, so not in the help.
/// </summary>
internal static class PluginVerificationChildCommand
{
    public static Command Create(CliOutput output)
    {
        var assembly = new Argument<string>("assembly");
        var command = new Command(TaskPluginIsolation.ChildCommand, "Internal: load one task plugin assembly and print the verdict as JSON.") { assembly };
        command.Hidden = true;
        command.SetAction(parse => TaskPluginProbe.Run(parse.GetValue(assembly)!, output.Out));
        return command;
    }
}

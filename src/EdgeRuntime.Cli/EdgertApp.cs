using System.CommandLine;
using EdgeRuntime.Cli.Commands;

namespace EdgeRuntime.Cli;

/// <summary>The <c>edgert</c> command tree. Tests run it in-process with their own writers.</summary>
public static class EdgertApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command, and returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        using var trace = Hosting.StartupTrace.FromEnvironment(error);
        var commandLine = Foundation.Diagnostics.StartupPhases.Begin("command line: the command tree and parsing");
        var cli = new CliOutput(output, error);
        var root = new RootCommand(
            "EdgeRuntime: pathology vision-language models at the slide scanner. "
            + "Exit codes: 0 done, 1 unreadable input, 2 bad option or configuration, 3 missing native library, 4 a plugin change queued for the running service and not yet answered, 5 no tags (edgert tag: no tissue, or not brightfield).");
        root.Subcommands.Add(SlideCommands.Create(cli));
        root.Subcommands.Add(TagCommand.Create(cli));
        root.Subcommands.Add(EmbedCommand.Create(cli));
        root.Subcommands.Add(ModelCommands.Create(cli));
        root.Subcommands.Add(ServiceCommands.Run(cli));
        root.Subcommands.Add(ServiceCommands.Process(cli));
        root.Subcommands.Add(ServiceCommands.Status(cli));
        root.Subcommands.Add(PluginCommands.Create(cli));
        root.Subcommands.Add(PluginVerificationChildCommand.Create(cli));
        root.Subcommands.Add(ModelVerificationChildCommand.Create(cli));
        root.Subcommands.Add(TaskCommands.Create(cli));
        root.Subcommands.Add(SearchCommand.Create(cli));
        root.Subcommands.Add(PrototypeCommands.Create(cli));
        root.Subcommands.Add(Commands.Evaluation.EvalCommands.Create(cli));
        var parse = root.Parse(args);
        commandLine?.Dispose();

        // Every command's parse errors (a value that does not convert, a missing argument, an unknown command or
        // choice) are a bad command line: exit 2, in one place, whichever command defined the option.
        if (parse.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            return UsageErrors.Report(parse, error);
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using EdgeRuntime.Cli.Configuration;

namespace EdgeRuntime.Cli;

/// <summary>
/// Command-line parse errors in the user's words: the option or argument and what it takes, never the .NET type a
/// value failed to convert to. Every command's parse errors pass through here, so each exits with
/// <see cref="ExitCodes.UsageError"/> whatever command defined the option.
/// </summary>
internal static class UsageErrors
{
    public static int Report(ParseResult parse, TextWriter error)
    {
        foreach (var message in parse.Errors.Select(Describe).Distinct())
        {
            error.WriteLine("edgert: " + message);
        }

        error.WriteLine($"Run '{string.Join(' ', CommandPath(parse.CommandResult))} --help' for the options and arguments it takes.");
        return ExitCodes.UsageError;
    }

    private static string Describe(ParseError e) => e.SymbolResult switch
    {
        OptionResult o when Unconvertible(o.Tokens, o.Option.ValueType) is { } token =>
            $"{o.Option.Name}: '{token}' is not {ValueWords.For(o.Option.ValueType)}.",
        ArgumentResult a when Unconvertible(a.Tokens, a.Argument.ValueType) is { } token =>
            $"<{a.Argument.Name}>: '{token}' is not {ValueWords.For(a.Argument.ValueType)}.",
        _ => e.Message,
    };

    // The token the parser could not convert; found by converting again rather than by reading the library's text.
    private static string? Unconvertible(IReadOnlyList<Token> tokens, Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        return tokens.Select(t => t.Value).FirstOrDefault(v => !ValueWords.Converts(v, element));
    }

    private static Stack<string> CommandPath(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Push(c.Parent is null ? "edgert" : c.Command.Name);
            }
        }

        return names;
    }
}

using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.OpenSlide;

namespace EdgeRuntime.Cli;

/// <summary>
/// Where commands write, and the one place that turns expected failures into a clear line and an exit code.
/// A person at a terminal gets one sentence naming the file or key and the reason, never a stack trace.
/// </summary>
internal sealed class CliOutput(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Whether standard error is a terminal (progress is then redrawn in place).</summary>
    public bool ErrorIsTerminal { get; } = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    public async Task<int> GuardAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (Describe(e) is { } code)
        {
            Error.WriteLine("edgert: " + e.Message);
            return code;
        }
    }

    public int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (Describe(e) is { } code)
        {
            Error.WriteLine("edgert: " + e.Message);
            return code;
        }
    }

    // Expected failures and their exit codes; anything else is a bug and keeps its stack trace.
    private static int? Describe(Exception e) => e switch
    {
        SettingsException => ExitCodes.UsageError,
        OpenSlideNotInstalledException or Commands.MissingToolException => ExitCodes.MissingDependency,
        SlideException or IOException or UnauthorizedAccessException => ExitCodes.InputError,
        Journal.JournalUnavailableException => ExitCodes.InputError,
        ModelPackageException or InvalidDataException or ModelCapabilityException or Inference.Heads.CellHeadException => ExitCodes.InputError,
        _ => null,
    };
}

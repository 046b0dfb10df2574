using EdgeRuntime.Cli.Configuration;
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

    public int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (SettingsException e)
        {
            Error.WriteLine("edgert: " + e.Message);
            return ExitCodes.UsageError;
        }
        catch (OpenSlideNotInstalledException e)
        {
            Error.WriteLine("edgert: " + e.Message);
            return ExitCodes.MissingDependency;
        }
        catch (SlideException e)
        {
            Error.WriteLine("edgert: " + e.Message);
            return ExitCodes.InputError;
        }
        catch (IOException e)
        {
            Error.WriteLine("edgert: " + e.Message);
            return ExitCodes.InputError;
        }
        catch (UnauthorizedAccessException e)
        {
            Error.WriteLine("edgert: " + e.Message);
            return ExitCodes.InputError;
        }
    }
}

using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Cli.Commands;

/// <summary>The <c>--model</c> option and loading the package it names (or the configured default).</summary>
internal sealed class ModelLoading
{
    public Option<DirectoryInfo?> Model { get; } = new("--model", "-m")
    {
        Description = "Model package folder (holding model.json). Default: EdgeRuntime:Models:DefaultPackage.",
    };

    public static ILoggerFactory Logging(TextWriter error) => LoggerFactory.Create(b => b
        .AddProvider(new TextWriterLoggerProvider(error, LogLevel.Warning))
        .SetMinimumLevel(LogLevel.Warning));

    /// <summary>
    /// The model and prompt set the command runs: those an admin activated (as the running service uses them), unless
    /// <c>--model</c> names a package.
    /// </summary>
    public void Apply(ParseResult parse, EdgertSettings settings)
    {
        settings.ApplyActivePlugins();
        if (parse.GetValue(Model) is { } explicitDirectory)
        {
            settings.Processing.ModelPackage = explicitDirectory.FullName;
        }
    }
}

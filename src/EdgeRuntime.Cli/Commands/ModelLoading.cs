using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Inference.Packages;
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

    public string Directory(ParseResult parse, EdgertSettings settings)
    {
        if (parse.GetValue(Model) is { } explicitDirectory)
        {
            return explicitDirectory.FullName;
        }

        return settings.ModelPackageDirectory;
    }

    public ModelPackage Load(ParseResult parse, EdgertSettings settings, ILogger logger) =>
        ModelPackage.Load(Directory(parse, settings), settings.Inference, logger);
}

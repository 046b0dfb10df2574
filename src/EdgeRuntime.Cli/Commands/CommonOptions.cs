using System.CommandLine;
using EdgeRuntime.Cli.Configuration;

namespace EdgeRuntime.Cli.Commands;

/// <summary>Options shared by the slide commands: configuration file and tiling overrides.</summary>
internal sealed class CommonOptions
{
    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "Extra JSON configuration file, applied over appsettings.json (environment variables EdgeRuntime__Section__Key apply last).",
    };

    public Option<double?> TargetMpp { get; } = new("--target-mpp")
    {
        Description = "Tile resolution in µm/px (overrides EdgeRuntime:Tiling:TargetMicronsPerPixel).",
    };

    public Option<int?> TileSize { get; } = new("--tile-size")
    {
        Description = "Tile side in pixels at the target resolution (overrides EdgeRuntime:Tiling:TileSize).",
    };

    public Option<int?> Overlap { get; } = new("--overlap")
    {
        Description = "Pixels shared by neighbouring tiles (overrides EdgeRuntime:Tiling:Overlap).",
    };

    public Option<double?> MinTissue { get; } = new("--min-tissue")
    {
        Description = "Tissue share, 0 to 1, a tile needs to be kept (overrides EdgeRuntime:Tiling:MinTissueFraction).",
    };

    public Option<double?> DefaultMpp { get; } = new("--mpp")
    {
        Description = "µm/px to assume when the file states none (overrides EdgeRuntime:Slides:DefaultMicronsPerPixel).",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, TargetMpp, TileSize, Overlap, MinTissue, DefaultMpp })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Loads configuration, applies the command-line overrides, and validates the result.</summary>
    public EdgertSettings Load(ParseResult parse)
    {
        var settings = EdgertSettings.Load(parse.GetValue(Config)?.FullName);
        if (parse.GetValue(TargetMpp) is { } mpp)
        {
            settings.Tiling.TargetMicronsPerPixel = mpp;
        }

        if (parse.GetValue(TileSize) is { } size)
        {
            settings.Tiling.TileSize = size;
        }

        if (parse.GetValue(Overlap) is { } overlap)
        {
            settings.Tiling.Overlap = overlap;
        }

        if (parse.GetValue(MinTissue) is { } minTissue)
        {
            settings.Tiling.MinTissueFraction = minTissue;
        }

        if (parse.GetValue(DefaultMpp) is { } defaultMpp)
        {
            settings.Slides.DefaultMicronsPerPixel = defaultMpp;
        }

        settings.Validate();
        return settings;
    }
}

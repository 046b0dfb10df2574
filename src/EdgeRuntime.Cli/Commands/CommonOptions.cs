using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Slides;
using EdgeRuntime.Tiling.Grid;

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

    /// <summary>
    /// Loads configuration, applies the command-line overrides, and validates the result. A value given on the command
    /// line is refused under the option's name (<c>--tile-size</c>), not the configuration key it overrides.
    /// </summary>
    public EdgertSettings Load(ParseResult parse)
    {
        // Checked once, below, with the overrides applied.
        var settings = EdgertSettings.Read(parse.GetValue(Config)?.FullName);
        var overridden = new List<(string Option, string Key)>();
        void Override<T>(Option<T?> option, string key, Action<T> set)
            where T : struct
        {
            if (parse.GetValue(option) is { } value)
            {
                set(value);
                overridden.Add((option.Name, key));
            }
        }

        Override(TargetMpp, $"{TilingOptions.Section}:{nameof(TilingOptions.TargetMicronsPerPixel)}", v => settings.Tiling.TargetMicronsPerPixel = v);
        Override(TileSize, $"{TilingOptions.Section}:{nameof(TilingOptions.TileSize)}", v => settings.Tiling.TileSize = v);
        Override(Overlap, $"{TilingOptions.Section}:{nameof(TilingOptions.Overlap)}", v => settings.Tiling.Overlap = v);
        Override(MinTissue, $"{TilingOptions.Section}:{nameof(TilingOptions.MinTissueFraction)}", v => settings.Tiling.MinTissueFraction = v);
        Override(DefaultMpp, $"{SlideReadingOptions.Section}:{nameof(SlideReadingOptions.DefaultMicronsPerPixel)}", v => settings.Slides.DefaultMicronsPerPixel = v);
        try
        {
            settings.Validate();
        }
        catch (SettingsException e)
        {
            throw new SettingsException([.. e.Errors.Select(error => overridden.Aggregate(error, (text, o) => text.Replace(o.Key, o.Option, StringComparison.Ordinal)))]);
        }

        return settings;
    }
}

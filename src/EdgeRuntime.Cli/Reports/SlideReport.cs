using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Slides.Resolution;
using EdgeRuntime.Tiling;

namespace EdgeRuntime.Cli.Reports;

/// <summary>What <c>edgert slide info</c> tells about a slide, as text for people or JSON for scripts.</summary>
internal static class SlideReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Text(SlideInfo info, TilingPlan plan, bool allProperties)
    {
        var inv = CultureInfo.InvariantCulture;
        var r = info.Resolution;
        var text = new StringBuilder();
        text.AppendLine(inv, $"File:        {info.FilePath}");
        text.AppendLine(inv, $"Format:      {info.Format} (read by {info.Reader})");
        text.AppendLine(inv, $"Size:        {info.Width} x {info.Height} px = {info.Width * r.MicronsPerPixelX / 1000:0.##} x {info.Height * r.MicronsPerPixelY / 1000:0.##} mm");
        text.AppendLine(inv, $"Resolution:  {r.MicronsPerPixelX:0.####} x {r.MicronsPerPixelY:0.####} µm/px, from {Describe(r.Source)}");
        text.AppendLine(inv, $"Levels:      {info.Levels.Count}");
        foreach (var level in info.Levels)
        {
            text.AppendLine(inv, $"  {level.Index,2}  {level.Width,7} x {level.Height,-7}  downsample {level.Downsample:0.###}");
        }

        text.AppendLine("Associated:  " + (info.AssociatedImages.Count == 0
            ? "none"
            : string.Join(", ", info.AssociatedImages.Select(a => string.Create(inv, $"{a.Name} {a.Width}x{a.Height}")))));
        var mask = plan.Mask;
        text.AppendLine(inv, $"Tissue:      {mask.TissueFraction * 100:0.0}% of the slide (mask {mask.Width}x{mask.Height} at {mask.DownsampleX:0.#}x, saturation threshold {mask.SaturationThreshold})");
        var grid = plan.Grid;
        text.AppendLine(inv, $"Tiles:       {grid.Tiles.Count} with ≥ {grid.MinTissueFraction:0.##} tissue, of {grid.Candidates} ({grid.Columns} x {grid.Rows}) at {grid.TileSize} px, {grid.TargetMicronsPerPixel:0.###} µm/px, overlap {grid.Overlap} px");
        var shown = info.Properties.Where(p => allProperties || !p.Key.StartsWith("openslide.level[", StringComparison.Ordinal)).ToList();
        text.AppendLine(inv, $"Properties:  {info.Properties.Count}{(shown.Count < info.Properties.Count ? $" ({info.Properties.Count - shown.Count} per-level ones hidden; --all-properties shows them)" : string.Empty)}");
        foreach (var (key, value) in shown)
        {
            text.AppendLine(inv, $"  {key} = {Shorten(value)}");
        }

        return text.ToString();
    }

    public static string Json(SlideInfo info, TilingPlan plan)
    {
        var r = info.Resolution;
        var json = new JsonObject
        {
            ["file"] = info.FilePath,
            ["format"] = info.Format,
            ["reader"] = info.Reader,
            ["width"] = info.Width,
            ["height"] = info.Height,
            ["resolution"] = new JsonObject
            {
                ["micronsPerPixelX"] = r.MicronsPerPixelX,
                ["micronsPerPixelY"] = r.MicronsPerPixelY,
                ["source"] = r.Source.ToString(),
            },
            ["levels"] = new JsonArray(info.Levels.Select(l => (JsonNode)new JsonObject
            {
                ["index"] = l.Index,
                ["width"] = l.Width,
                ["height"] = l.Height,
                ["downsample"] = l.Downsample,
            }).ToArray()),
            ["associatedImages"] = new JsonArray(info.AssociatedImages.Select(a => (JsonNode)new JsonObject
            {
                ["name"] = a.Name,
                ["width"] = a.Width,
                ["height"] = a.Height,
            }).ToArray()),
            ["tissue"] = new JsonObject
            {
                ["fraction"] = plan.Mask.TissueFraction,
                ["maskWidth"] = plan.Mask.Width,
                ["maskHeight"] = plan.Mask.Height,
                ["saturationThreshold"] = plan.Mask.SaturationThreshold,
            },
            ["tiles"] = new JsonObject
            {
                ["kept"] = plan.Grid.Tiles.Count,
                ["candidates"] = plan.Grid.Candidates,
                ["columns"] = plan.Grid.Columns,
                ["rows"] = plan.Grid.Rows,
                ["tileSize"] = plan.Grid.TileSize,
                ["targetMicronsPerPixel"] = plan.Grid.TargetMicronsPerPixel,
                ["overlap"] = plan.Grid.Overlap,
                ["minTissueFraction"] = plan.Grid.MinTissueFraction,
            },
            ["properties"] = new JsonObject(info.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        return json.ToJsonString(Indented);
    }

    private static string Describe(ResolutionSource source) => source switch
    {
        ResolutionSource.SlideProperty => $"the scanner's calibration ({ResolutionResolver.MppXProperty})",
        ResolutionSource.ObjectivePower => $"the objective power ({ResolutionResolver.ObjectivePowerProperty})",
        ResolutionSource.TiffResolutionTags => "the TIFF resolution tags",
        ResolutionSource.ImageMetadata => "the image's density metadata (PNG pHYs)",
        _ => "the configured default (EdgeRuntime:Slides:DefaultMicronsPerPixel): the file states none",
    };

    private static string Shorten(string value)
    {
        var oneLine = value.ReplaceLineEndings(" ");
        return oneLine.Length <= 160 ? oneLine : string.Concat(oneLine.AsSpan(0, 157), "...");
    }
}

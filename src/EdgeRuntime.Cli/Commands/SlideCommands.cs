using System.CommandLine;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Cli.Reports;
using EdgeRuntime.Slides.Pixels;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Rendering;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert slide info|thumbnail</c>: look at a slide the way the pipeline will see it.</summary>
internal static class SlideCommands
{
    public static Command Create(CliOutput output)
    {
        var slide = new Command("slide", "Inspect a whole-slide image or a plain image: metadata, resolution, tissue and tiles.");
        slide.Subcommands.Add(Info(output));
        slide.Subcommands.Add(Thumbnail(output));
        return slide;
    }

    private static Command Info(CliOutput output)
    {
        var file = new Argument<FileInfo>("file") { Description = "Slide (SVS, NDPI, MRXS, tiled TIFF, ...) or image (PNG, JPEG, TIFF)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var all = new Option<bool>("--all-properties") { Description = "Also list per-level properties (openslide.level[...])." };
        var common = new CommonOptions();
        var command = new Command("info", "Print format, levels, dimensions, µm/px and its source, vendor properties, tissue fraction and tile count.")
        {
            file, json, all,
        };
        common.AddTo(command);
        command.SetAction(parse => output.Guard(() =>
        {
            var settings = common.Load(parse);
            using var opened = new SlideOpener(settings.Slides).Open(parse.GetValue(file)!.FullName);
            var plan = Tiler(settings).Plan(opened);
            output.Out.Write(parse.GetValue(json) ? SlideReport.Json(opened.Info, plan) + Environment.NewLine : SlideReport.Text(opened.Info, plan, parse.GetValue(all)));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Thumbnail(CliOutput output)
    {
        var file = new Argument<FileInfo>("file") { Description = "Slide or image." };
        var outPath = new Option<FileInfo>("--output", "-o") { Description = "PNG file to write.", Required = true }.MustBeWritable("a PNG picture");
        var size = new Option<int>("--size") { Description = "Long side of the picture in pixels.", DefaultValueFactory = _ => 1024 };
        var noGrid = new Option<bool>("--no-grid") { Description = "Draw the tissue mask only, without the tiles." };
        var common = new CommonOptions();
        var command = new Command("thumbnail", "Write a thumbnail with the tissue mask (green) and the kept tiles (blue) drawn over it.")
        {
            file, outPath, size, noGrid,
        };
        common.AddTo(command);
        command.SetAction(parse => output.Guard(() =>
        {
            var longSide = parse.GetValue(size);
            if (longSide is < 16 or > 16384)
            {
                throw new SettingsException([$"--size must be between 16 and 16384 pixels (is {longSide})."]);
            }

            var settings = common.Load(parse);
            using var opened = new SlideOpener(settings.Slides).Open(parse.GetValue(file)!.FullName);
            var plan = Tiler(settings).Plan(opened);
            var (width, height) = SlideDownsampler.FitLongSide(opened.Info.Width, opened.Info.Height, longSide);
            var thumbnail = SlideDownsampler.Read(opened, width, height);
            var png = TilingOverlay.RenderPng(thumbnail, opened.Info.Width, opened.Info.Height, plan.Mask, parse.GetValue(noGrid) ? null : plan.Grid);
            var target = parse.GetValue(outPath)!.FullName;
            PngFile.WriteAtomically(target, png);
            output.Out.WriteLine($"{target}: {width}x{height}, tissue {plan.Mask.TissueFraction:P1}, {plan.Grid.Tiles.Count} tiles of {plan.Grid.TileSize} px at {plan.Grid.TargetMicronsPerPixel} µm/px");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static SlideTiler Tiler(EdgertSettings settings) => new(settings.Tissue, settings.Tiling);
}

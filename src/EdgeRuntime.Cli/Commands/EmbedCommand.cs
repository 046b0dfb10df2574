using System.CommandLine;
using EdgeRuntime.Slides.Files;
using EdgeRuntime.TaskKit.Features;

namespace EdgeRuntime.Cli.Commands;

/// <summary><c>edgert embed</c>: tile features to HDF5, as CLAM and TRIDENT write them.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliOutput output)
    {
        var file = new Argument<FileInfo>("file") { Description = "Whole-slide image, or a plain image (one row)." };
        var outPath = new Option<FileInfo>("--output", "-o") { Description = "HDF5 file to write (features [N, D] float32, coords [N, 2] int64).", Required = true };
        var models = new ModelLoading();
        var common = new CommonOptions();
        var command = new Command("embed", "Feature extraction: the model's embedding of every tissue tile, with its level-0 coordinates, in an HDF5 file that slide-level models (ABMIL, CLAM, TITAN-style) read unchanged.")
        {
            file, models.Model, outPath,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var settings = common.Load(parse);
            using var logging = ModelLoading.Logging(output.Error);
            using var package = models.Load(parse, settings, logging.CreateLogger("edgert"));
            using var slide = new Slides.Reading.SlideOpener(settings.Slides).Open(parse.GetValue(file)!.FullName);
            var dimension = package.Manifest.EmbeddingSize;
            float[] features = [];
            var (tiles, plan, reader) = await SlideEncoding.RunAsync(
                slide, package, settings, parse.GetValue(common.TargetMpp),
                (batch, _) =>
                {
                    var needed = (batch.Tiles.Max(t => t.Index) + 1) * dimension;
                    if (features.Length < needed)
                    {
                        Array.Resize(ref features, Math.Max(needed, features.Length * 2));
                    }

                    for (var i = 0; i < batch.Tiles.Count; i++)
                    {
                        batch.VectorOf(i).CopyTo(features.AsSpan(batch.Tiles[i].Index * dimension, dimension));
                    }

                    return ValueTask.CompletedTask;
                },
                new ProgressBar(output.Error, output.ErrorIsTerminal),
                cancellationToken);

            Array.Resize(ref features, tiles.Count * dimension);
            var target = parse.GetValue(outPath)!.FullName;
            var mpp = plan?.Grid.TargetMicronsPerPixel ?? slide.Info.Resolution.MicronsPerPixel;
            var tileLevel0 = plan is null ? slide.Info.Width : (long)Math.Round(plan.Grid.TileWidthLevel0);
            var attributes = new FeatureFile.Attributes(
                package.Manifest.Tiling.TileSize, tileLevel0, reader?.Level ?? 0, mpp,
                package.Identity.Id, package.Identity.Version, package.Identity.Sha256, slide.Info.FilePath);
            AtomicFile.Write(target, stream => FeatureFile.Write(stream, tiles, features, dimension, attributes));
            output.Out.WriteLine($"{target}: {tiles.Count} tiles x {dimension} features from {package.Identity.Id} {package.Identity.Version}");
            return ExitCodes.Success;
        }));
        return command;
    }
}

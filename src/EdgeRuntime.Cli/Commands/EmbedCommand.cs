using System.CommandLine;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Runtime.Swapping;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert embed</c>: the built-in feature extraction task plugin run on one input through the service's
/// pipeline: tile features to HDF5, as CLAM and TRIDENT write them.
/// </summary>
internal static class EmbedCommand
{
    private const string Task = "features";

    public static Command Create(CliOutput output)
    {
        var file = new Argument<FileInfo>("file") { Description = "Whole-slide image, or a plain image (one no larger than EdgeRuntime:Tiling:WholeImageMaxSide is one tile)." };
        var outPath = new Option<FileInfo>("--output", "-o") { Description = "HDF5 file to write (features [N, D] float32, coords [N, 2] int64).", Required = true }.MustBeWritable("an HDF5 file");
        var models = new ModelLoading();
        var common = new CommonOptions();
        var command = new Command("embed", "Feature extraction: the model's embedding of every tissue tile, with its level-0 coordinates, in an HDF5 file that slide-level models (ABMIL, CLAM, TITAN-style) read unchanged. Runs the service's features task plugin.")
        {
            file, models.Model, outPath,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var configuring = StartupPhases.Begin("configuration: load, bind, validate");
            var settings = common.Load(parse);
            models.Apply(parse, settings);
            configuring?.Dispose();
            var target = parse.GetValue(outPath)!.FullName;
            using var logging = ModelLoading.Logging(output.Error);
            var logger = logging.CreateLogger("edgert");
            var loading = StartupPhases.Begin("model");
            using var model = await SlideRunner.LoadModelAsync(settings, logger, cancellationToken);
            loading?.Dispose();
            var composing = StartupPhases.Begin("composition: the container");
            await using var services = SlideRunner.Compose(settings, logging);
            composing?.Dispose();
            SlideTaskSet tasks;
            using (StartupPhases.Begin("task plugins"))
            {
                tasks = SlideRunner.LoadTask(services, Task);
            }


            // Beside the target, so that the finished file is renamed into place: never a half-written target.
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var scratch = new ScratchDirectory(Path.GetDirectoryName(target));
            var running = StartupPhases.Begin("slide: run");
            var run = await SlideRunner.RunAsync(services, parse.GetValue(file)!.FullName, model, tasks.Tasks, scratch.Path, parse.GetValue(common.TargetMpp), new ProgressBar(output.Error, output.ErrorIsTerminal), cancellationToken);
            running?.Dispose();
            var result = run.OutputOf(Task);
            AtomicFile.Copy(Path.Combine(scratch.Path, result["file"]!.GetValue<string>()), target);
            var identity = model.Package.Identity;
            output.Out.WriteLine($"{target}: {result["tiles"]} tiles x {result["dimension"]} features from {identity.Id} {identity.Version}");
            return ExitCodes.Success;
        }));
        return command;
    }
}

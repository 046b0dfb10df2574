using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Foundation.Diagnostics;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Runtime.Swapping;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// <c>edgert tag</c>: the built-in zero-shot tagging task plugin run on one input through the service's pipeline,
/// its output printed: an image's classes, or a slide's tags (MI-Zero top-K pooling) and class fractions.
/// </summary>
internal static class TagCommand
{
    private const string Task = "zero-shot-tagging";

    public static Command Create(CliOutput output)
    {
        var file = new Argument<FileInfo>("file") { Description = "Whole-slide image, or a plain image (PNG, JPEG, TIFF); one no larger than EdgeRuntime:Tiling:WholeImageMaxSide is one tile." };
        var prompts = new Option<FileInfo?>("--prompts", "-p") { Description = "Prompt set (JSON). Default: the tagging task's own (EdgeRuntime:Processing:TaskPromptSets:zero-shot-tagging), else EdgeRuntime:ZeroShot:DefaultPromptSet (CRC-100K)." };
        var top = new Option<int>("--top") { Description = "Classes to print.", DefaultValueFactory = _ => 5 };
        var topK = new Option<int?>("--top-k") { Description = "Tiles pooled per class for the slide score (MI-Zero). Default: EdgeRuntime:Processing:TaskSettings:zero-shot-tagging:TopK, else 10." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var tileTable = new Option<FileInfo?>("--tiles") { Description = "Also write every tile's class probabilities (gzip CSV, the service's tiles.csv.gz) to this file." }.MustBeWritable("a tile table");
        var models = new ModelLoading();
        var common = new CommonOptions();
        var command = new Command("tag", "Zero-shot tagging: the top classes of an image with probabilities; for a slide, slide tags (MI-Zero top-K pooling) and class fractions over its tissue tiles. Runs the service's tagging task plugin.")
        {
            file, models.Model, prompts, top, topK, json, tileTable,
        };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => output.GuardAsync(async () =>
        {
            var configuring = StartupPhases.Begin("configuration: load, bind, validate");
            var settings = common.Load(parse);
            if (parse.GetValue(topK) is { } k)
            {
                if (k < 1)
                {
                    throw new SettingsException([$"--top-k must be at least 1 (is {k})."]);
                }

                TaskSettings(settings)["TopK"] = k.ToString(CultureInfo.InvariantCulture);
            }

            if (parse.GetValue(prompts) is { } promptFile)
            {
                settings.Processing.TaskPromptSets[Task] = promptFile.FullName;
            }

            models.Apply(parse, settings);
            configuring?.Dispose();
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

            var tablePath = parse.GetValue(tileTable)?.FullName;
            if (tablePath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(tablePath)!);
            }

            // Beside the table when one is kept, so that it is renamed into place whole.
            using var scratch = new ScratchDirectory(tablePath is null ? null : Path.GetDirectoryName(tablePath));
            var running = StartupPhases.Begin("slide: run");
            var run = await SlideRunner.RunAsync(services, parse.GetValue(file)!.FullName, model, tasks.Tasks, scratch.Path, parse.GetValue(common.TargetMpp), new ProgressBar(output.Error, output.ErrorIsTerminal), cancellationToken);
            running?.Dispose();
            if (!run.Outcome.RunsTasks)
            {
                // Tags of a blank or fluorescence slide would be noise read as a finding: say why there are none.
                if (parse.GetValue(json))
                {
                    output.Out.WriteLine(new JsonObject
                    {
                        ["file"] = run.Info.FilePath,
                        ["kind"] = "slide",
                        ["outcome"] = run.Outcome.Status,
                        ["reason"] = run.Outcome.Reason,
                        ["tissueFraction"] = run.Plan.Mask.TissueFraction,
                        ["tiles"] = run.Plan.Grid.Tiles.Count,
                        ["tags"] = new JsonArray(),
                    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                }

                output.Error.WriteLine($"{run.Info.FilePath}: {run.Outcome.Status}: {run.Outcome.Reason} No tags.");
                return ExitCodes.NoTags;
            }

            var result = run.OutputOf(Task);
            if (tablePath is not null)
            {
                AtomicFile.Copy(Path.Combine(scratch.Path, result["sidecar"]!.GetValue<string>()), tablePath);
            }

            var isImage = run.Plan.WholeImage;
            var tags = result["tags"]!.AsArray().Select(t => (Class: t!["class"]!.GetValue<string>(), Score: t["score"]!.GetValue<double>(), Fraction: t["tileFraction"]!.GetValue<double>())).ToList();
            var shown = tags.Take(Math.Max(1, parse.GetValue(top))).ToList();
            var promptSet = result["prompts"]!;
            var package = model.Package;
            if (parse.GetValue(json))
            {
                var document = new JsonObject
                {
                    ["file"] = run.Info.FilePath,
                    ["kind"] = isImage ? "image" : "slide",
                    ["model"] = ModelWithProvider(package),
                    ["prompts"] = promptSet.DeepClone(),
                    ["tiles"] = run.Plan.Grid.Tiles.Count,
                    ["topK"] = isImage ? null : result["topK"]!.DeepClone(),
                    ["tags"] = new JsonArray(shown.Select(t => (JsonNode)new JsonObject { ["class"] = t.Class, ["probability"] = t.Score }).ToArray()),
                    ["classFractions"] = isImage ? null : new JsonObject(tags.Select(t => KeyValuePair.Create(t.Class, (JsonNode?)t.Fraction))),
                };
                output.Out.WriteLine(document.ToJsonString(Journal.Events.PayloadJson.Indented));
                return ExitCodes.Success;
            }

            var inv = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.AppendLine(inv, $"File:     {run.Info.FilePath}");
            text.AppendLine(inv, $"Model:    {package.Identity.Id} {package.Identity.Version} on {package.ExecutionProvider}");
            text.AppendLine(inv, $"Prompts:  {promptSet["id"]} {promptSet["version"]} ({tags.Count} classes)");
            if (isImage)
            {
                text.AppendLine("Classes (whole image as one tile):");
            }
            else
            {
                text.AppendLine(inv, $"Tiles:    {run.Plan.Grid.Tiles.Count} tissue tiles of {run.Plan.Grid.TileSize} px at {run.Plan.Grid.TargetMicronsPerPixel} µm/px");
                text.AppendLine(inv, $"Slide tags (MI-Zero, mean of the top {result["topK"]} tiles per class):");
            }

            foreach (var t in shown)
            {
                var share = isImage ? string.Empty : string.Create(inv, $"   ({t.Fraction:P1} of tiles)");
                text.AppendLine(inv, $"  {t.Score,7:P1}  {t.Class}{share}");
            }

            output.Out.Write(text.ToString());
            return ExitCodes.Success;
        }));
        return command;
    }

    private static JsonObject ModelWithProvider(EdgeRuntime.Inference.Packages.ModelPackage package)
    {
        var model = package.Identity.ToProvenance().ToJson();
        model["executionProvider"] = package.ExecutionProvider;
        return model;
    }

    private static Dictionary<string, string> TaskSettings(EdgertSettings settings)
    {
        if (!settings.Processing.TaskSettings.TryGetValue(Task, out var own))
        {
            settings.Processing.TaskSettings[Task] = own = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return own;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Foundation.Files;
using SkiaSharp;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval segmentation</c>: the zero-shot segmentation task plugin itself run on each image (or slide) of
/// image,mask pairs; its label mask, one pixel per stride cell, is compared with the true mask sampled at each cell's
/// centre: Dice, precision and recall per class summed over the images, and their mean; and each image's own Dice.
/// </summary>
internal static class SegmentationEval
{
    private const string Task = "zero-shot-segmentation";
    private const int WorstImages = 10;

    public static Command Create(CliOutput output)
    {
        var o = new EvalOptions();
        var palette = new Option<FileInfo>("--palette") { Description = "JSON: class name → [r, g, b] or grey level of the masks; other colours are not scored.", Required = true };
        var command = new Command("segmentation", "Run the zero-shot segmentation task on image,mask pairs (a CSV) and report Dice, precision and recall per class.") { palette };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output, requireTiles: false, pathColumn: "image");
            var pairs = SegmentationDataset.Load(parse.GetValue(EvalDatasetArgument(command))!);
            var colours = MaskPalette.Load(parse.GetValue(palette)!.FullName);
            var runs = new List<(string, JsonObject)>();
            foreach (var modelDirectory in run.Models)
            {
                using var model = await run.LoadAsync(modelDirectory, null, ct);
                var classSet = EvalRun.ZeroShotClassesOf(model, Task);
                var truthIndex = run.Mapping.Resolve(colours.Classes, classSet.Names, parse.GetValue(palette)!.FullName);
                var metrics = new SegmentationMetrics(classSet.Names.Count);
                var perImage = new JsonArray();
                using var tasks = SlideRunner.LoadTask(run.Settings, Task, run.Logging);
                for (var i = 0; i < pairs.Pairs.Count; i++)
                {
                    var (image, mask) = pairs.Pairs[i];
                    using var scratch = new ScratchDirectory(null);
                    var slideRun = await SlideRunner.RunAsync(run.Settings, run.Logging, image, model, tasks, scratch.Path, targetMicronsPerPixel: null, null, ct);
                    var result = SlideRunner.OutputOf(slideRun, Task);
                    var (predicted, truth) = Cells(result, scratch.Path, mask, slideRun.Info.Width, slideRun.Info.Height, colours, truthIndex);
                    metrics.Add(truth, predicted);
                    perImage.Add(ImageRow(image, mask, truth, predicted, classSet.Names));
                    output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {i + 1}/{pairs.Pairs.Count} images ({predicted.Length} cells of {Path.GetFileName(image)})"));
                }

                var summary = new JsonObject { ["meanDice"] = new JsonObject { ["value"] = metrics.MeanDice() } };
                var perClass = new JsonArray();
                for (var c = 0; c < classSet.Names.Count; c++)
                {
                    var dice = metrics.Dice(c);
                    summary[$"Dice {classSet.Names[c]}"] = new JsonObject { ["value"] = double.IsNaN(dice) ? null : dice };
                    perClass.Add(new JsonObject { ["class"] = classSet.Names[c], ["cells"] = metrics.Support(c), ["dice"] = double.IsNaN(dice) ? null : dice, ["precision"] = metrics.Precision(c), ["recall"] = metrics.Recall(c) });
                }

                runs.Add(($"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classSet.Source.Id} {classSet.Source.Version} · zero-shot segmentation", new JsonObject
                {
                    ["metrics"] = summary,
                    ["perClass"] = perClass,
                    ["perSample"] = perImage,
                    ["note"] = "cells of the task's class map (the grid's stride); the true class is the mask's at each cell's centre; cells without tissue count as predicting nothing",
                    ["provenance"] = EvalCommands.Provenance(model, classSet.Source),
                }));
            }

            return Write(output, run.Output, pairs, runs);
        }));
        return command;
    }

    // One image's own Dice per class (null where the class is in neither map) and their mean: which images pull the
    // summed figure down.
    private static JsonObject ImageRow(string image, string mask, int[] truth, int[] predicted, IReadOnlyList<string> classes)
    {
        var own = new SegmentationMetrics(classes.Count);
        own.Add(truth, predicted);
        var dice = new JsonObject();
        for (var c = 0; c < classes.Count; c++)
        {
            dice[classes[c]] = double.IsNaN(own.Dice(c)) ? null : own.Dice(c);
        }

        var mean = own.MeanDice();
        return new JsonObject
        {
            ["path"] = image,
            ["mask"] = mask,
            ["cells"] = truth.Count(t => t >= 0),
            ["meanDice"] = double.IsNaN(mean) ? null : mean,
            ["dice"] = dice,
        };
    }

    private static Argument<string> EvalDatasetArgument(Command command) => (Argument<string>)command.Arguments.Single(a => a.Name == "dataset");

    // The task's mask (an indexed PNG, index 0 no tissue, k the k-th class) against the true mask at each cell's centre.
    private static (int[] Predicted, int[] Truth) Cells(JsonObject output, string folder, string maskFile, long width, long height, MaskPalette colours, Dictionary<string, int> truthIndex)
    {
        var mask = output["mask"]!;
        var palette = mask["palette"]!.AsArray().Select(p => (p![0]!.GetValue<byte>(), p[1]!.GetValue<byte>(), p[2]!.GetValue<byte>())).ToList();
        var predictedFile = Path.Combine(folder, mask["file"]!.GetValue<string>());
        using var predictedImage = SKBitmap.Decode(predictedFile) ?? throw new InvalidDataException($"{predictedFile}: the task's mask cannot be read.");
        using var truthImage = SKBitmap.Decode(maskFile) ?? throw new InvalidDataException($"{maskFile}: not an image SkiaSharp reads (PNG, JPEG, WebP, BMP).");
        var (sx, sy) = (mask["cellLevel0Pixels"]![0]!.GetValue<double>(), mask["cellLevel0Pixels"]![1]!.GetValue<double>());
        var cells = predictedImage.Width * predictedImage.Height;
        var predicted = new int[cells];
        var truth = new int[cells];
        for (var y = 0; y < predictedImage.Height; y++)
        {
            for (var x = 0; x < predictedImage.Width; x++)
            {
                // Index 0 is transparent: "no tissue", predicting nothing.
                var p = predictedImage.GetPixel(x, y);
                var index = p.Alpha == 0 ? 0 : palette.IndexOf((p.Red, p.Green, p.Blue));
                predicted[(y * predictedImage.Width) + x] = index <= 0 ? -1 : index - 1;
                var mx = (int)Math.Min(truthImage.Width - 1, (x + 0.5) * sx * truthImage.Width / width);
                var my = (int)Math.Min(truthImage.Height - 1, (y + 0.5) * sy * truthImage.Height / height);
                var t = truthImage.GetPixel(mx, my);
                var name = colours.ClassOf(t.Red, t.Green, t.Blue);
                truth[(y * predictedImage.Width) + x] = name is null ? -1 : truthIndex[name];
            }
        }

        return (predicted, truth);
    }

    private static int Write(CliOutput output, string folder, SegmentationDataset pairs, List<(string Name, JsonObject Report)> runs)
    {
        Directory.CreateDirectory(folder);
        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"# edgert eval segmentation\n\nDataset: `{pairs.Source}`; {pairs.Pairs.Count} image and mask pairs.\n\n");
        markdown.Append(MarkdownReport.Table("Dice per class and its mean (best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), runs[0].Report["metrics"]!.AsObject().Select(m => m.Key).ToList()));
        foreach (var (name, report) in runs)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"\n### {name}\n\n| class | cells | Dice | precision | recall |\n|---|---|---|---|---|\n");
            foreach (var c in report["perClass"]!.AsArray())
            {
                var dice = c!["dice"]?.GetValue<double>();
                markdown.Append(CultureInfo.InvariantCulture, $"| {c["class"]} | {c["cells"]} | {(dice is { } d ? d.ToString("0.000", CultureInfo.InvariantCulture) : "–")} | {c["precision"]!.GetValue<double>():0.000} | {c["recall"]!.GetValue<double>():0.000} |\n");
            }

            var images = report["perSample"]!.AsArray().Select(r => r!.AsObject()).OrderBy(r => r["meanDice"]?.GetValue<double>() ?? double.PositiveInfinity).ToList();
            markdown.Append(CultureInfo.InvariantCulture, $"\nImages by their own mean Dice, lowest first ({Math.Min(images.Count, WorstImages)} of {images.Count}; all in `samples.csv`):\n\n| image | scored cells | mean Dice |\n|---|---|---|\n");
            foreach (var row in images.Take(WorstImages))
            {
                var mean = row["meanDice"]?.GetValue<double>();
                markdown.Append(CultureInfo.InvariantCulture, $"| `{Path.GetFileName(row["path"]!.GetValue<string>())}` | {row["cells"]} | {(mean is { } m ? m.ToString("0.000", CultureInfo.InvariantCulture) : "–")} |\n");
            }
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = "segmentation",
            ["dataset"] = new JsonObject { ["source"] = pairs.Source, ["pairs"] = pairs.Pairs.Count },
            ["runs"] = new JsonArray(runs.Select(r =>
            {
                var entry = r.Report.DeepClone().AsObject();
                entry["name"] = r.Name;
                return (JsonNode)entry;
            }).ToArray()),
        };
        AtomicFile.WriteText(Path.Combine(folder, "report.json"), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteText(Path.Combine(folder, "samples.csv"), SampleTable.Csv(runs.Select(r => (r.Name, r.Report["perSample"]!.AsArray())).ToList()));
        AtomicFile.WriteText(Path.Combine(folder, "report.md"), markdown.ToString());
        output.Out.Write(markdown.ToString());
        return ExitCodes.Success;
    }
}

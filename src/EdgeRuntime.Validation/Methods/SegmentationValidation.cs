using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Foundation.Files;
using SkiaSharp;

namespace EdgeRuntime.Validation.Methods;

/// <summary>
/// The zero-shot segmentation task plugin itself run on each image (or slide) of image,mask pairs; its label mask,
/// one pixel per stride cell, is compared with the true mask sampled at each cell's centre: Dice, precision and
/// recall per class summed over the images, and their mean; and each image's own Dice.
/// </summary>
public static class SegmentationValidation
{
    /// <summary>The task run on each image.</summary>
    public const string Task = "zero-shot-segmentation";

    /// <summary>A report per model.</summary>
    /// <param name="run">The validation.</param>
    /// <param name="pairs">The image and mask pairs.</param>
    /// <param name="colours">The masks' colour of each class.</param>
    /// <param name="paletteSource">The palette's file, named in errors about its classes.</param>
    /// <param name="progress">Where a line per image goes.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<IReadOnlyList<(string Name, JsonObject Report)>> RunAsync(ValidationRun run, SegmentationDataset pairs, MaskPalette colours, string paletteSource, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(colours);
        ArgumentNullException.ThrowIfNull(progress);
        var runs = new List<(string, JsonObject)>();
        foreach (var modelDirectory in run.Models)
        {
            using var model = await run.LoadAsync(modelDirectory, null, cancellationToken).ConfigureAwait(false);
            var classSet = ValidationRun.ZeroShotClassesOf(model, Task);
            var truthIndex = run.Mapping.Resolve(colours.Classes, classSet.Names, paletteSource);
            var metrics = new SegmentationMetrics(classSet.Names.Count);
            var perImage = new JsonArray();
            using var tasks = run.Host.LoadTask(Task);
            for (var i = 0; i < pairs.Pairs.Count; i++)
            {
                var (image, mask) = pairs.Pairs[i];
                using var scratch = new ScratchDirectory();
                var slideRun = await run.Host.RunAsync(image, model, tasks.Tasks, scratch.Path, targetMicronsPerPixel: null, cancellationToken).ConfigureAwait(false);
                var (predicted, truth) = Cells(slideRun.OutputOf(Task), scratch.Path, mask, slideRun.Info.Width, slideRun.Info.Height, colours, truthIndex);
                metrics.Add(truth, predicted);
                perImage.Add(ImageRow(image, mask, truth, predicted, classSet.Names));
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {i + 1}/{pairs.Pairs.Count} images ({predicted.Length} cells of {Path.GetFileName(image)})"));
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
                ["provenance"] = RunScoring.Provenance(model, classSet.Source),
            }));
        }

        return runs;
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
}

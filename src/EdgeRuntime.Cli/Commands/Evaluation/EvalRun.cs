using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Evaluation.Probes;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>One eval invocation resolved: settings, dataset, models, output, and the shared embedder and report writers.</summary>
internal sealed record EvalRun(EdgertSettings Settings, Microsoft.Extensions.Logging.ILoggerFactory Logging, TileDataset Dataset, LabelMapping Mapping, string? Split, IReadOnlyList<string> Models, string Output, int Seed, int Resamples, bool Ordered, PipelineImageEmbedder Embedder)
{
    /// <summary>Image–caption pairs (retrieval), when the dataset is such a CSV.</summary>
    public CaptionDataset? Captions { get; init; }

    public Task<ModelRuntime> LoadAsync(string modelDirectory, string? promptFile, CancellationToken cancellationToken)
    {
        Settings.Processing.ModelPackage = modelDirectory;
        if (promptFile is not null)
        {
            Settings.Processing.TaskPromptSets[EvalCommands.TaggingTask] = promptFile;
        }

        return SlideRunner.LoadModelAsync(Settings, Logging.CreateLogger("edgert"), cancellationToken);
    }

    /// <summary>
    /// The classes zero-shot scoring of <paramref name="task"/> uses: the prompt set's text embeddings, or a prototype
    /// set's. A vision-only model has no text embeddings (its prompt classes are empty), so without a prototype set it is
    /// refused here with the reason, before any image is embedded, rather than failing on the labels.
    /// </summary>
    /// <exception cref="Inference.Packages.ModelCapabilityException">The model has no text tower and no prototype set serves the task.</exception>
    public static Abstractions.Tasks.ClassSet ZeroShotClassesOf(ModelRuntime model, string task) =>
        model.Package.HasTextTower || model.TaskPrototypes.ContainsKey(task)
            ? model.ClassSetFor(task)
            : throw new Inference.Packages.ModelCapabilityException(
                $"{model.Package.NoTextTower().Message} Evaluate it with few-shot or linear-probe, or give the {task} task a prototype set (EdgeRuntime:Processing:TaskPrototypeSets:{task}).");

    public int[] Truth(IReadOnlyList<LabelledImage> images, IReadOnlyList<string> classes)
    {
        var index = Mapping.Resolve(images.Select(i => i.Label).Distinct(), classes, Dataset.Source);
        return images.Select(i => index[i.Label]).ToArray();
    }

    public int WriteRetrieval(CliOutput output, List<(string Name, JsonObject Report)> runs)
    {
        Directory.CreateDirectory(Output);
        var first = runs[0].Report["metrics"]!.AsObject();
        var markdown = new StringBuilder();
        var described = Captions is { } c ? $"{c.Images.Count} images with {c.Captions.Count} captions" : $"{Dataset.Images.Count} images";
        markdown.Append(CultureInfo.InvariantCulture, $"# edgert eval retrieval\n\nDataset: `{(Captions?.Source ?? Dataset.Source)}`; {described}.\n\n");
        markdown.Append(MarkdownReport.Table("Recall@K (95 % bootstrap intervals over the queries; best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), first.Select(m => m.Key).ToList()));
        markdown.Append("\nChance (a random ranking): ");
        markdown.Append(string.Join(", ", first.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value!["chance"]!.GetValue<double>():0.000}"))));
        markdown.Append('\n');
        if (Captions is { } pairs)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"\n{pairs.Captions.Count} captions, {pairs.Texts.Count} distinct.");
            markdown.Append(pairs.DuplicateCaptions > 0
                ? string.Create(CultureInfo.InvariantCulture, $" **{pairs.DuplicateCaptions} captions repeat another's text**: {RetrievalReport.CaptionRule}. text→image has {pairs.Texts.Count} queries, image→text {pairs.Texts.Count} candidates.\n")
                : " A caption finds its image (text→image); an image, any of its captions (image→text).\n");
        }

        var pictures = new JsonArray();
        foreach (var (section, direction, label, file) in new[]
        {
            ("crossModal", "textToImage", "text → image", "recall-text-to-image.png"),
            ("crossModal", "imageToText", "image → text", "recall-image-to-text.png"),
            ("sameClass", "imageToImage", "image → image (same class)", "recall-image-to-image.png"),
        })
        {
            if (runs[0].Report[section]?[direction] is not JsonObject firstRecalls)
            {
                continue;
            }

            var ks = firstRecalls.Select(r => int.Parse(r.Key["recall@".Length..], CultureInfo.InvariantCulture)).ToList();
            var series = runs.Select(r =>
            {
                var recalls = r.Report[section]![direction]!.AsObject().Select(x => x.Value!).ToList();
                var intervals = recalls.All(x => x["ci95"] is not null) ? recalls.Select(x => (x["ci95"]![0]!.GetValue<double>(), x["ci95"]![1]!.GetValue<double>())).ToArray() : null;
                return (r.Name, recalls.Select(x => x["value"]!.GetValue<double>()).ToArray(), intervals);
            }).ToList();
            Charts.RecallAtK(Path.Combine(Output, file), ks, series, firstRecalls.Select(x => x.Value!["chance"]!.GetValue<double>()).ToArray(), $"Recall@K, {label}");
            markdown.Append(CultureInfo.InvariantCulture, $"\n![Recall@K, {label}]({file})\n");
            pictures.Add(file);
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = "retrieval",
            ["dataset"] = new JsonObject { ["source"] = Captions?.Source ?? Dataset.Source, ["images"] = Captions?.Images.Count ?? Dataset.Images.Count, ["captions"] = Captions?.Captions.Count, ["distinctCaptions"] = Captions?.Texts.Count },
            ["charts"] = pictures,
            ["runs"] = new JsonArray(runs.Select(r =>
            {
                var entry = r.Report.DeepClone().AsObject();
                entry["name"] = r.Name;
                return (JsonNode)entry;
            }).ToArray()),
        };
        AtomicFile.WriteText(Path.Combine(Output, "report.json"), document.ToJsonString(EvalCommands.Indented));
        AtomicFile.WriteText(Path.Combine(Output, "report.md"), markdown.ToString());
        output.Out.Write(markdown.ToString());
        output.Error.WriteLine($"report: {Path.Combine(Output, "report.json")}, {Path.Combine(Output, "report.md")} and {pictures.Count} charts");
        return ExitCodes.Success;
    }

    public int Write(CliOutput output, string method, List<(string Name, JsonObject Report)> runs)
    {
        Directory.CreateDirectory(Output);
        var inv = CultureInfo.InvariantCulture;
        var markdown = new StringBuilder();
        markdown.Append(inv, $"# edgert eval {method}\n\nDataset: `{Dataset.Source}`{(Split is null ? string.Empty : $", split `{Split}`")}; {Dataset.Images.Count} images, labels {string.Join(", ", Dataset.Labels)}.\n\n");
        var columns = ClassificationReport.Headline.Concat(runs.SelectMany(r => r.Report["metrics"]!.AsObject().Select(m => m.Key)).Where(k => !ClassificationReport.Headline.Contains(k)).Distinct()).ToList();
        markdown.Append(MarkdownReport.Table("Summary (95 % bootstrap intervals, or mean ± s.d. over repeats; best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), columns));
        markdown.Append("\nEvery sample's truth, prediction and class scores: `samples.csv` (and `perSample` in `report.json`)");
        markdown.Append(runs.Any(r => r.Report["first"] is not null) ? "; for few-shot runs, those of the first draw (seed = --seed), which the charts show too.\n" : ".\n");
        var entries = new JsonArray();
        var samples = new List<(string, JsonArray)>();
        var pictures = 0;
        foreach (var ((name, report), i) in runs.Select((r, i) => (r, i)))
        {
            var detail = report["perClass"] is not null ? report : report["first"]!.AsObject();
            var slug = string.Create(inv, $"run{i + 1}");
            var classes = detail["classes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
            var confusion = detail["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
            var charts = new JsonArray(slug + "-confusion.png", slug + "-per-class.png");
            Charts.ConfusionMatrix(Path.Combine(Output, slug + "-confusion.png"), confusion, classes, name);
            var perClass = detail["perClass"]!.AsArray();
            Charts.PerClass(Path.Combine(Output, slug + "-per-class.png"), classes, [Series(perClass, "precision", "precision"), Series(perClass, "recall", "recall"), Series(perClass, "f1", "F1")], name);
            markdown.Append(inv, $"\n### {name}\n\n![confusion matrix]({slug}-confusion.png) ![per class]({slug}-per-class.png)\n\n");
            var intervals = perClass.Any(p => p!["ci95"] is not null);
            markdown.Append(intervals ? "| class | support | precision [95 % CI] | recall [95 % CI] | F1 [95 % CI] |\n" : "| class | support | precision | recall | F1 |\n").Append("|---|---|---|---|---|\n");
            foreach (var p in perClass)
            {
                markdown.Append(inv, $"| {p!["class"]} | {p["support"]} | {PerClassCell(p, "precision")} | {PerClassCell(p, "recall")} | {PerClassCell(p, "f1")} |\n");
            }

            if (detail["perSample"] is JsonArray rows)
            {
                samples.Add((name, rows));
                var worst = WorstSamplesSheet.Write(Settings.Slides, rows, Path.Combine(Output, slug + "-worst.png"), $"{name}: most confident mistakes");
                if (worst.Count > 0)
                {
                    charts.Add(slug + "-worst.png");
                    markdown.Append(inv, $"\nThe {worst.Count} most confident mistakes (of {rows.Count(r => !r!["correct"]!.GetValue<bool>())} wrong in {rows.Count}):\n\n![most confident mistakes]({slug}-worst.png)\n\n| file | true | predicted | confidence |\n|---|---|---|---|\n");
                    foreach (var w in worst)
                    {
                        markdown.Append(inv, $"| `{Path.GetFileName(w["path"]!.GetValue<string>())}` | {w["truth"]} | {w["prediction"]} | {w["confidence"]!.GetValue<double>():0.000} |\n");
                    }
                }
                else
                {
                    markdown.Append(inv, $"\nNo sample of the {rows.Count} is misclassified.\n");
                }
            }

            pictures += charts.Count;
            var entry = report.DeepClone().AsObject();
            entry["name"] = name;
            entry["charts"] = charts;
            entries.Add(entry);
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = method,
            ["dataset"] = new JsonObject { ["source"] = Dataset.Source, ["split"] = Split, ["images"] = Dataset.Images.Count, ["labels"] = new JsonArray(Dataset.Labels.Select(l => (JsonNode)l).ToArray()) },
            ["runs"] = entries,
        };
        AtomicFile.WriteText(Path.Combine(Output, "report.json"), document.ToJsonString(EvalCommands.Indented));
        AtomicFile.WriteText(Path.Combine(Output, "samples.csv"), SampleTable.Csv(samples));
        AtomicFile.WriteText(Path.Combine(Output, "report.md"), markdown.ToString());
        output.Out.Write(markdown.ToString());
        output.Error.WriteLine($"report: {Path.Combine(Output, "report.json")}, {Path.Combine(Output, "report.md")}, {Path.Combine(Output, "samples.csv")} and {pictures} pictures");
        return ExitCodes.Success;
    }

    private static (string, double[], (double, double)[]?) Series(JsonArray perClass, string key, string label)
    {
        var values = perClass.Select(p => p![key]!.GetValue<double>()).ToArray();
        var intervals = perClass.All(p => p!["ci95"] is not null)
            ? perClass.Select(p => (p!["ci95"]![key]![0]!.GetValue<double>(), p["ci95"]![key]![1]!.GetValue<double>())).ToArray()
            : null;
        return (label, values, intervals);
    }

    private static string PerClassCell(JsonNode row, string key)
    {
        var value = row[key]!.GetValue<double>();
        return row["ci95"]?[key] is JsonArray ci
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0.000} [{ci[0]!.GetValue<double>():0.000}, {ci[1]!.GetValue<double>():0.000}]")
            : value.ToString("0.000", CultureInfo.InvariantCulture);
    }
}

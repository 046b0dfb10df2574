using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Evaluation.Probes;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Pipeline.Processing;
using EdgeRuntime.Slides.Files;
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

    public int[] Truth(IReadOnlyList<LabelledImage> images, IReadOnlyList<string> classes)
    {
        var index = Mapping.Resolve(images.Select(i => i.Label).Distinct(), classes, Dataset.Source);
        return images.Select(i => index[i.Label]).ToArray();
    }

    /// <summary>
    /// The training and test images: the dataset's own splits when it has them, else a seeded stratified split
    /// that keeps <paramref name="trainPerClass"/> or half of each class (whichever is more) for training.
    /// </summary>
    public (List<(int Index, int Label)> Train, List<(int Index, int Label)> Test) TrainTest(IReadOnlyList<(LabelledImage Image, int Label)> all, int seed, int trainPerClass)
    {
        if (Dataset.HasSplits)
        {
            var test = Split ?? "test";
            var train = all.Select((a, i) => (a, i)).Where(x => !string.Equals(x.a.Image.Split, test, StringComparison.OrdinalIgnoreCase)).Select(x => (x.i, x.a.Label)).ToList();
            var tested = all.Select((a, i) => (a, i)).Where(x => string.Equals(x.a.Image.Split, test, StringComparison.OrdinalIgnoreCase)).Select(x => (x.i, x.a.Label)).ToList();
            return (train, tested);
        }

        var trainSet = new List<(int, int)>();
        var testSet = new List<(int, int)>();
        foreach (var group in all.Select((a, i) => (i, a.Label)).GroupBy(x => x.Label))
        {
            var members = group.ToArray();
            new Random(seed).Shuffle(members);
            var keep = Math.Max(trainPerClass, members.Length / 2);
            trainSet.AddRange(members.Take(keep));
            testSet.AddRange(members.Skip(keep));
        }

        return (trainSet, testSet);
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
        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = "retrieval",
            ["dataset"] = new JsonObject { ["source"] = Captions?.Source ?? Dataset.Source, ["images"] = Captions?.Images.Count ?? Dataset.Images.Count, ["captions"] = Captions?.Captions.Count },
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
        output.Error.WriteLine($"report: {Path.Combine(Output, "report.json")}, {Path.Combine(Output, "report.md")}");
        return ExitCodes.Success;
    }

    public int Write(CliOutput output, string method, List<(string Name, JsonObject Report)> runs)
    {
        Directory.CreateDirectory(Output);
        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"# edgert eval {method}\n\nDataset: `{Dataset.Source}`{(Split is null ? string.Empty : $", split `{Split}`")}; {Dataset.Images.Count} images, labels {string.Join(", ", Dataset.Labels)}.\n\n");
        var columns = ClassificationReport.Headline.Concat(runs.SelectMany(r => r.Report["metrics"]!.AsObject().Select(m => m.Key)).Where(k => !ClassificationReport.Headline.Contains(k)).Distinct()).ToList();
        markdown.Append(MarkdownReport.Table("Summary (95 % bootstrap intervals, or mean ± s.d. over repeats; best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), columns));
        var entries = new JsonArray();
        foreach (var ((name, report), i) in runs.Select((r, i) => (r, i)))
        {
            var detail = report["perClass"] is not null ? report : report["first"]!.AsObject();
            var slug = string.Create(CultureInfo.InvariantCulture, $"run{i + 1}");
            var classes = detail["classes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
            var confusion = detail["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
            Charts.ConfusionMatrix(Path.Combine(Output, slug + "-confusion.png"), confusion, classes, name);
            var perClass = detail["perClass"]!.AsArray();
            Charts.PerClass(Path.Combine(Output, slug + "-per-class.png"), classes,
                [("precision", perClass.Select(p => p!["precision"]!.GetValue<double>()).ToArray()), ("recall", perClass.Select(p => p!["recall"]!.GetValue<double>()).ToArray()), ("F1", perClass.Select(p => p!["f1"]!.GetValue<double>()).ToArray())],
                name);
            markdown.Append(CultureInfo.InvariantCulture, $"\n### {name}\n\n![confusion matrix]({slug}-confusion.png) ![per class]({slug}-per-class.png)\n\n| class | support | precision | recall | F1 |\n|---|---|---|---|---|\n");
            foreach (var p in perClass)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"| {p!["class"]} | {p["support"]} | {p["precision"]!.GetValue<double>():0.000} | {p["recall"]!.GetValue<double>():0.000} | {p["f1"]!.GetValue<double>():0.000} |\n");
            }

            var entry = report.DeepClone().AsObject();
            entry["name"] = name;
            entry["charts"] = new JsonArray(slug + "-confusion.png", slug + "-per-class.png");
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
        AtomicFile.WriteText(Path.Combine(Output, "report.md"), markdown.ToString());
        output.Out.Write(markdown.ToString());
        output.Error.WriteLine($"report: {Path.Combine(Output, "report.json")}, {Path.Combine(Output, "report.md")} and {runs.Count * 2} charts");
        return ExitCodes.Success;
    }
}

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
using EdgeRuntime.Inference.Prototypes;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval</c>: a model validated on a lab's own labelled tiles with the field's metrics, through the
/// production path: every image is embedded by the slide pipeline, classes come from the same prompt-set loading
/// and the tagging task's scorer (TaskKit's <see cref="ZeroShotClassifier"/>, which the tagging plugin ships).
/// </summary>
internal static class EvalCommands
{
    internal const string TaggingTask = "zero-shot-tagging";
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliOutput output)
    {
        var eval = new Command("eval", "Validate a model on labelled data: zero-shot (tiles or whole slides), few-shot and linear-probe classification, retrieval (Recall@K), segmentation (Dice), and compare (reports side by side); scikit-learn's metrics with bootstrap intervals and a row per sample, in JSON, CSV, Markdown and PNG.");
        eval.Subcommands.Add(ZeroShot(output));
        eval.Subcommands.Add(FewShot(output));
        eval.Subcommands.Add(LinearProbeCommand(output));
        eval.Subcommands.Add(Retrieval(output));
        eval.Subcommands.Add(SegmentationEval.Create(output));
        eval.Subcommands.Add(CellsEval.Create(output));
        eval.Subcommands.Add(CompareCommand.Create(output));
        return eval;
    }

    private static Command ZeroShot(CliOutput output)
    {
        var o = new EvalOptions();
        var prompts = new Option<FileInfo[]>("--prompts", "-p") { Description = "Prompt set(s) to compare (repeat the option). Default: the tagging task's, else EdgeRuntime:ZeroShot:DefaultPromptSet." };
        var slides = new Option<bool>("--slides") { Description = "The dataset is whole slides (a CSV slide,label[,split]): tag each by MI-Zero top-K pooling, as the tagging task does, for every K of --top-k." };
        var topK = new Option<string>("--top-k") { Description = "With --slides: the K of top-K pooling, comma-separated; every K is reported, none is chosen on the test set.", DefaultValueFactory = _ => "1,5,10,50,100" };
        var command = new Command("zero-shot", "Classify every tile (or, with --slides, every slide) by its nearest class text (the tagging task's zero-shot scoring) and report the metrics.") { prompts, slides, topK };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output, pathColumn: parse.GetValue(slides) ? "slide" : "path");
            if (parse.GetValue(slides))
            {
                return await SlidesAsync(output, run, parse.GetValue(prompts), ParseCounts(parse.GetValue(topK)!, "--top-k"), ct);
            }

            var images = run.Dataset.Split(run.Split);
            var runs = new List<(string, JsonObject)>();
            var promptFiles = parse.GetValue(prompts) is { Length: > 0 } p ? p.Select(f => (string?)f.FullName).ToArray() : [null];
            foreach (var modelDirectory in run.Models)
            {
                foreach (var promptFile in promptFiles)
                {
                    using var model = await run.LoadAsync(modelDirectory, promptFile, ct);
                    var classSet = EvalRun.ZeroShotClassesOf(model, TaggingTask);
                    var truth = run.Truth(images, classSet.Names);
                    var vectors = await run.Embedder.EmbedAsync(model, images.Select(i => i.Path).ToList(), ct);
                    var classifier = new ZeroShotClassifier(classSet);
                    var probabilities = vectors.Select(v => Score(classifier, v)).ToList();
                    var name = $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classSet.Source.Id} {classSet.Source.Version} · zero-shot";
                    var report = ClassificationReport.Of(truth, probabilities, classSet.Names, run.Seed, run.Resamples, run.Ordered, images.Select(i => i.Path).ToList());
                    report["provenance"] = Provenance(model, classSet.Source);
                    runs.Add((name, report));
                }
            }

            return run.Write(output, "zero-shot", runs);
        }));
        return command;
    }

    // Whole slides: each slide's tiles pooled by MI-Zero top-K (TaskKit's SlideTagAggregator, the tagging task's own).
    private static async Task<int> SlidesAsync(CliOutput output, EvalRun run, FileInfo[]? prompts, int[] ks, CancellationToken ct)
    {
        var images = run.Dataset.Split(run.Split);
        var runs = new List<(string, JsonObject)>();
        var promptFiles = prompts is { Length: > 0 } p ? p.Select(f => (string?)f.FullName).ToArray() : [null];
        foreach (var modelDirectory in run.Models)
        {
            foreach (var promptFile in promptFiles)
            {
                using var model = await run.LoadAsync(modelDirectory, promptFile, ct);
                var classSet = EvalRun.ZeroShotClassesOf(model, TaggingTask);
                var truth = run.Truth(images, classSet.Names);
                var classifier = new ZeroShotClassifier(classSet);
                var probabilities = ks.ToDictionary(k => k, _ => new List<double[]>());
                var logits = new double[classSet.Names.Count];
                for (var s = 0; s < images.Count; s++)
                {
                    var tiles = await run.Embedder.EmbedTilesAsync(model, images[s].Path, ct);
                    var pools = ks.Select(k => new SlideTagAggregator(classSet.Names.Count, k)).ToArray();
                    foreach (var tile in tiles)
                    {
                        classifier.Logits(tile, logits);
                        foreach (var pool in pools)
                        {
                            pool.Add(logits);
                        }
                    }

                    for (var i = 0; i < ks.Length; i++)
                    {
                        probabilities[ks[i]].Add(pools[i].SlideProbabilities());
                    }

                    output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {s + 1}/{images.Count} slides ({tiles.Length} tiles in {Path.GetFileName(images[s].Path)})"));
                }

                foreach (var k in ks)
                {
                    var report = ClassificationReport.Of(truth, probabilities[k], classSet.Names, run.Seed, run.Resamples, run.Ordered, images.Select(i => i.Path).ToList());
                    report["pooling"] = new JsonObject { ["method"] = "MI-Zero top-K mean of tile logits, softmax", ["k"] = k };
                    report["provenance"] = Provenance(model, classSet.Source);
                    runs.Add((string.Create(CultureInfo.InvariantCulture, $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classSet.Source.Id} {classSet.Source.Version} · slides, top-{k}"), report));
                }
            }
        }

        return run.Write(output, "zero-shot --slides", runs);
    }

    private static Command FewShot(CliOutput output)
    {
        var o = new EvalOptions();
        var shots = new Option<string>("--shots") { Description = "Examples per class, comma-separated.", DefaultValueFactory = _ => "1,5,10" };
        var repeats = new Option<int>("--repeats") { Description = "Draws of the examples per shot count (different seeds); mean ± s.d. reported.", DefaultValueFactory = _ => 5 };
        var command = new Command("few-shot", "Classify by the nearest class prototype (normalised mean of K labelled examples per class, drawn from the training split) and report mean ± s.d. over repeats.") { shots, repeats };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output);
            var counts = ParseCounts(parse.GetValue(shots)!, "--shots");
            var repeatCount = parse.GetValue(repeats);
            if (repeatCount < 1)
            {
                throw new SettingsException([$"--repeats must be at least 1 (is {repeatCount})."]);
            }

            var labels = run.Dataset.Labels;
            var runs = new List<(string, JsonObject)>();
            foreach (var modelDirectory in run.Models)
            {
                using var model = await run.LoadAsync(modelDirectory, null, ct);
                var vectors = await run.Embedder.EmbedAsync(model, run.Dataset.Images.Select(i => i.Path).ToList(), ct);
                var byImage = run.Dataset.Images.Select((image, i) => (image, vector: vectors[i], label: labels.ToList().IndexOf(image.Label))).ToList();
                foreach (var k in counts)
                {
                    var reports = new List<JsonObject>();
                    for (var r = 0; r < repeatCount; r++)
                    {
                        var (train, test) = TrainTestSplit.Of(byImage.Select(b => (b.image, b.label)).ToList(), run.Split, run.Seed + r, k);
                        var prototypes = new float[labels.Count * model.Package.Manifest.EmbeddingSize];
                        for (var c = 0; c < labels.Count; c++)
                        {
                            var drawn = FewShotDraw.Draw(train.Where(t => t.Label == c).Select(t => t.Index).ToList(), k, run.Seed + r);
                            if (drawn.Count < k)
                            {
                                throw new InvalidDataException($"{run.Dataset.Source}: class '{labels[c]}' has {drawn.Count} training images, fewer than {k} shots.");
                            }

                            PrototypeMean.Into(drawn.Select(i => byImage[i].vector), prototypes.AsSpan(c * model.Package.Manifest.EmbeddingSize, model.Package.Manifest.EmbeddingSize));
                        }

                        var untested = Enumerable.Range(0, labels.Count).Where(c => test.All(t => t.Label != c)).Select(c => labels[c]).ToList();
                        if (untested.Count > 0)
                        {
                            throw new InvalidDataException($"{run.Dataset.Source}: {k} shots leave no test image of {string.Join(", ", untested)}; use fewer shots or a dataset with a test split.");
                        }

                        var classifier = new ZeroShotClassifier(prototypes, labels.Count, model.Package.Manifest.LogitScale);
                        var probabilities = test.Select(t => Score(classifier, byImage[t.Index].vector)).ToList();
                        // Rows per sample for the first draw only (the report's "first", whose charts are shown): a row per
                        // test image per draw per shot count would multiply a large dataset's rows by both.
                        reports.Add(ClassificationReport.Of(test.Select(t => t.Label).ToList(), probabilities, labels, run.Seed + r, resamples: 0, run.Ordered, r == 0 ? test.Select(t => byImage[t.Index].image.Path).ToList() : null));
                    }

                    var name = string.Create(CultureInfo.InvariantCulture, $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {k}-shot prototypes");
                    var summary = RepeatSummary.Of(reports);
                    var document = new JsonObject
                    {
                        ["shots"] = k,
                        ["repeats"] = repeatCount,
                        ["metrics"] = summary,
                        ["first"] = reports[0],
                        ["provenance"] = Provenance(model, null),
                        ["note"] = "sample s.d. over repeats; each repeat draws its own examples with seed + repeat; 'first' (its per-class rows, confusion matrix and per-sample rows) is the draw with the seed itself",
                    };
                    runs.Add((name, document));
                }
            }

            return run.Write(output, "few-shot", runs);
        }));
        return command;
    }

    private static Command LinearProbeCommand(CliOutput output)
    {
        var o = new EvalOptions();
        var c = new Option<double>("--c") { Description = "Inverse L2 strength, as scikit-learn's LogisticRegression C.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("linear-probe", "Fit multinomial logistic regression on the frozen embeddings of the training split and report the metrics on the test split.") { c };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output);
            var strength = parse.GetValue(c);
            if (!(strength > 0))
            {
                throw new SettingsException([$"--c must be positive (is {strength})."]);
            }

            var labels = run.Dataset.Labels;
            var runs = new List<(string, JsonObject)>();
            foreach (var modelDirectory in run.Models)
            {
                using var model = await run.LoadAsync(modelDirectory, null, ct);
                var vectors = await run.Embedder.EmbedAsync(model, run.Dataset.Images.Select(i => i.Path).ToList(), ct);
                var indexed = run.Dataset.Images.Select((image, i) => (image, labels.ToList().IndexOf(image.Label))).ToList();
                var (train, test) = TrainTestSplit.Of(indexed, run.Split, run.Seed, 1);
                var probe = LinearProbe.Fit(train.Select(t => vectors[t.Index]).ToList(), train.Select(t => t.Label).ToList(), labels.Count, strength);
                var probabilities = test.Select(t => probe.Probabilities(vectors[t.Index])).ToList();
                var report = ClassificationReport.Of(test.Select(t => t.Label).ToList(), probabilities, labels, run.Seed, run.Resamples, run.Ordered, test.Select(t => run.Dataset.Images[t.Index].Path).ToList());
                report["probe"] = new JsonObject { ["c"] = strength, ["trainSamples"] = train.Count, ["features"] = "unit image embeddings", ["solver"] = "L-BFGS (Math.NET), scikit-learn's objective" };
                report["provenance"] = Provenance(model, null);
                runs.Add(($"{model.Package.Identity.Id} {model.Package.Identity.Version} · linear probe (C = {strength.ToString(CultureInfo.InvariantCulture)})", report));
            }

            return run.Write(output, "linear-probe", runs);
        }));
        return command;
    }

    private static Command Retrieval(CliOutput output)
    {
        var o = new EvalOptions();
        var ks = new Option<string>("--ks") { Description = "The K of Recall@K, comma-separated.", DefaultValueFactory = _ => "1,5,10" };
        var command = new Command("retrieval", "Recall@K of retrieval: text → image and image → text on a CSV of image,caption pairs (with a label column or a folder of class folders, image → image by class too).") { ks };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output, requireTiles: false);
            var kList = ParseCounts(parse.GetValue(ks)!, "--ks");
            if (run.Captions is { DuplicateCaptions: > 0 } repeated)
            {
                output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {repeated.Source}: {repeated.Captions.Count} captions but {repeated.Texts.Count} distinct; {RetrievalReport.CaptionRule}."));
            }

            var runs = new List<(string, JsonObject)>();
            foreach (var modelDirectory in run.Models)
            {
                using var model = await run.LoadAsync(modelDirectory, null, ct);
                var report = new JsonObject { ["provenance"] = Provenance(model, null) };
                var metrics = new JsonObject();
                if (run.Captions is { } pairs)
                {
                    var images = await run.Embedder.EmbedAsync(model, pairs.Images, ct);
                    // Identical captions embed identically: each distinct text is encoded and scored once.
                    var texts = await EncodeTextsAsync(model, pairs.Texts.ToList(), ct);
                    var crossModal = RetrievalReport.CrossModal(images, texts, pairs.ImagesOfText, pairs.Captions.Count, kList, run.Seed, run.Resamples);
                    report["crossModal"] = crossModal;
                    foreach (var (direction, label) in new[] { ("textToImage", "text→image"), ("imageToText", "image→text") })
                    {
                        foreach (var k in kList)
                        {
                            metrics[$"{label} R@{k}"] = crossModal[direction]![$"recall@{k}"]!.DeepClone();
                        }
                    }
                }

                if (run.Dataset.Images.Count > 0)
                {
                    var tiles = run.Dataset;
                    var labels = tiles.Labels.ToList();
                    var vectors = await run.Embedder.EmbedAsync(model, tiles.Images.Select(i => i.Path).ToList(), ct);
                    var sameClass = RetrievalReport.SameClass(vectors, tiles.Images.Select(i => labels.IndexOf(i.Label)).ToList(), kList, run.Seed, run.Resamples);
                    report["sameClass"] = sameClass;
                    foreach (var k in kList)
                    {
                        metrics[$"image→image R@{k}"] = sameClass["imageToImage"]![$"recall@{k}"]!.DeepClone();
                    }
                }

                report["metrics"] = metrics;
                runs.Add(($"{model.Package.Identity.Id} {model.Package.Identity.Version}", report));
            }

            return run.WriteRetrieval(output, runs);
        }));
        return command;
    }

    private static async Task<float[][]> EncodeTextsAsync(ModelRuntime model, List<string> texts, CancellationToken cancellationToken)
    {
        var encoder = new EdgeRuntime.Inference.Onnx.OnnxTextEncoder(model.Package);
        var vectors = new List<float[]>(texts.Count);
        const int Batch = 64;
        for (var start = 0; start < texts.Count; start += Batch)
        {
            var chunk = texts.Skip(start).Take(Batch).ToList();
            var flat = await encoder.EncodeAsync(chunk, cancellationToken);
            var dimension = flat.Length / chunk.Count;
            for (var i = 0; i < chunk.Count; i++)
            {
                var v = flat.AsSpan(i * dimension, dimension).ToArray();
                System.Numerics.Tensors.TensorPrimitives.Divide(v, System.Numerics.Tensors.TensorPrimitives.Norm(v), v);
                vectors.Add(v);
            }
        }

        return [.. vectors];
    }

    private static double[] Score(ZeroShotClassifier classifier, float[] vector)
    {
        var scores = new double[classifier.Classes];
        classifier.Logits(vector, scores);
        ZeroShotClassifier.Softmax(scores);
        return scores;
    }

    internal static int[] ParseCounts(string text, string option)
    {
        var counts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
        return counts.Length == 0 || counts.Any(v => v < 1)
            ? throw new SettingsException([$"{option} '{text}': expected positive whole numbers separated by commas, such as 1,5,10."])
            : counts;
    }

    internal static JsonObject Provenance(ModelRuntime model, Abstractions.Tasks.ClassSource? classes) => new()
    {
        ["model"] = model.Package.Identity.ToProvenance(model.Package.Manifest.Name).ToJson(),
        ["classSet"] = classes?.ToProvenance().ToJson(),
        ["executionProvider"] = model.Package.ExecutionProvider,
    };
}

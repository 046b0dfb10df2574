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

/// <summary>
/// <c>edgert eval</c>: a model validated on a lab's own labelled tiles with the field's metrics, through the
/// production path: every image is embedded by the slide pipeline, classes come from the same prompt-set loading
/// and the tagging task's scorer (TaskKit's <see cref="ZeroShotClassifier"/>, which the tagging plugin ships).
/// </summary>
internal static class EvalCommands
{
    private const string TaggingTask = "zero-shot-tagging";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(CliOutput output)
    {
        var eval = new Command("eval", "Validate a model on labelled tiles: zero-shot, few-shot and linear-probe classification, with scikit-learn's metrics, bootstrap intervals, and reports (JSON, Markdown, PNG).");
        eval.Subcommands.Add(ZeroShot(output));
        eval.Subcommands.Add(FewShot(output));
        eval.Subcommands.Add(LinearProbeCommand(output));
        eval.Subcommands.Add(Retrieval(output));
        eval.Subcommands.Add(SegmentationEval.Create(output));
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
                    var classSet = model.ClassSetFor(TaggingTask);
                    var truth = run.Truth(images, classSet.Names);
                    var vectors = await run.Embedder.EmbedAsync(model, images.Select(i => i.Path).ToList(), ct);
                    var classifier = new ZeroShotClassifier(classSet);
                    var probabilities = vectors.Select(v => Score(classifier, v)).ToList();
                    var name = $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classSet.Source.Id} {classSet.Source.Version} · zero-shot";
                    var report = ClassificationReport.Of(truth, probabilities, classSet.Names, run.Seed, run.Resamples, run.Ordered);
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
                var classSet = model.ClassSetFor(TaggingTask);
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
                    var report = ClassificationReport.Of(truth, probabilities[k], classSet.Names, run.Seed, run.Resamples, run.Ordered);
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
                        var (train, test) = run.TrainTest(byImage.Select(b => (b.image, b.label)).ToList(), run.Seed + r, k);
                        var prototypes = new float[labels.Count * model.Package.Manifest.EmbeddingSize];
                        for (var c = 0; c < labels.Count; c++)
                        {
                            var drawn = Draw(train.Where(t => t.Label == c).Select(t => t.Index).ToList(), k, run.Seed + r);
                            if (drawn.Count < k)
                            {
                                throw new InvalidDataException($"{run.Dataset.Source}: class '{labels[c]}' has {drawn.Count} training images, fewer than {k} shots.");
                            }

                            Mean(drawn.Select(i => byImage[i].vector), prototypes.AsSpan(c * model.Package.Manifest.EmbeddingSize, model.Package.Manifest.EmbeddingSize));
                        }

                        var untested = Enumerable.Range(0, labels.Count).Where(c => test.All(t => t.Label != c)).Select(c => labels[c]).ToList();
                        if (untested.Count > 0)
                        {
                            throw new InvalidDataException($"{run.Dataset.Source}: {k} shots leave no test image of {string.Join(", ", untested)}; use fewer shots or a dataset with a test split.");
                        }

                        var classifier = new ZeroShotClassifier(prototypes, labels.Count, model.Package.Manifest.LogitScale);
                        var probabilities = test.Select(t => Score(classifier, byImage[t.Index].vector)).ToList();
                        reports.Add(ClassificationReport.Of(test.Select(t => t.Label).ToList(), probabilities, labels, run.Seed + r, resamples: 0, run.Ordered));
                    }

                    var name = string.Create(CultureInfo.InvariantCulture, $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {k}-shot prototypes");
                    var summary = new JsonObject();
                    foreach (var metric in reports[0]["metrics"]!.AsObject().Select(m => m.Key))
                    {
                        var values = reports.Select(x => x["metrics"]![metric]!["value"]?.GetValue<double>() ?? double.NaN).ToArray();
                        var mean = values.Average();
                        var sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
                        summary[metric] = new JsonObject { ["mean"] = mean, ["sd"] = sd, ["values"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };
                    }

                    var document = new JsonObject
                    {
                        ["shots"] = k,
                        ["repeats"] = repeatCount,
                        ["metrics"] = summary,
                        ["first"] = reports[0],
                        ["provenance"] = Provenance(model, null),
                        ["note"] = "sample s.d. over repeats; each repeat draws its own examples with seed + repeat",
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
                var (train, test) = run.TrainTest(indexed, run.Seed, 1);
                var probe = LinearProbe.Fit(train.Select(t => vectors[t.Index]).ToList(), train.Select(t => t.Label).ToList(), labels.Count, strength);
                var probabilities = test.Select(t => probe.Probabilities(vectors[t.Index])).ToList();
                var report = ClassificationReport.Of(test.Select(t => t.Label).ToList(), probabilities, labels, run.Seed, run.Resamples, run.Ordered);
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
            var runs = new List<(string, JsonObject)>();
            foreach (var modelDirectory in run.Models)
            {
                using var model = await run.LoadAsync(modelDirectory, null, ct);
                var report = new JsonObject { ["provenance"] = Provenance(model, null) };
                var metrics = new JsonObject();
                if (run.Captions is { } pairs)
                {
                    var images = await run.Embedder.EmbedAsync(model, pairs.Images, ct);
                    var texts = await EncodeTextsAsync(model, pairs.Captions.Select(c => c.Caption).ToList(), ct);
                    var crossModal = RetrievalReport.CrossModal(images, texts, pairs.Captions.Select(c => c.Image).ToList(), kList, run.Seed, run.Resamples);
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

    private static void Mean(IEnumerable<float[]> unitVectors, Span<float> into)
    {
        var sum = new double[into.Length];
        foreach (var v in unitVectors)
        {
            for (var d = 0; d < sum.Length; d++)
            {
                sum[d] += v[d];
            }
        }

        var norm = Math.Sqrt(sum.Sum(x => x * x));
        for (var d = 0; d < sum.Length; d++)
        {
            into[d] = (float)(sum[d] / norm);
        }
    }

    private static List<int> Draw(List<int> candidates, int k, int seed)
    {
        var shuffled = candidates.ToArray();
        new Random(seed).Shuffle(shuffled);
        return shuffled.Take(k).ToList();
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
        ["model"] = new JsonObject { ["id"] = model.Package.Identity.Id, ["version"] = model.Package.Identity.Version, ["sha256"] = model.Package.Identity.Sha256, ["name"] = model.Package.Manifest.Name },
        ["classSet"] = classes is null ? null : new JsonObject { ["kind"] = classes.Kind, ["id"] = classes.Id, ["version"] = classes.Version, ["sha256"] = classes.Sha256 },
        ["executionProvider"] = model.Package.ExecutionProvider,
    };

    /// <summary>The options every subcommand takes, and what they resolve to.</summary>
    internal sealed class EvalOptions
    {
        private readonly CommonOptions common = new();
        private readonly Argument<string> dataset = new("dataset") { Description = "A folder of class folders of tiles (CRC-100K style), or a CSV with columns path,label[,split]." };
        private readonly Option<DirectoryInfo[]> models = new("--model", "-m") { Description = "Model package(s) to compare (repeat the option). Default: EdgeRuntime:Models:DefaultPackage." };
        private readonly Option<FileInfo?> map = new("--map") { Description = "JSON object mapping dataset labels to class names of the prompt set." };
        private readonly Option<string?> split = new("--split") { Description = "The split to evaluate (zero-shot) or to test on (few-shot, linear probe). Default: 'test' when the CSV names splits." };
        private readonly Option<DirectoryInfo> outDir = new("--output", "-o") { Description = "Folder for report.json, report.md and the charts.", Required = true };
        private readonly Option<DirectoryInfo?> cache = new("--cache") { Description = "Embedding cache (by model hash, image hash and tiling). Default: eval-embeddings beside EdgeRuntime:ZeroShot:TextEmbeddingCache." };
        private readonly Option<int> seed = new("--seed") { Description = "Seeds the bootstrap, the draws of examples and splits.", DefaultValueFactory = _ => 0 };
        private readonly Option<int> bootstrap = new("--bootstrap") { Description = "Bootstrap resamples for the 95 % intervals (0: none).", DefaultValueFactory = _ => Bootstrap.DefaultResamples };
        private readonly Option<bool> ordered = new("--ordered") { Description = "The classes are ordered grades (Gleason): report the quadratic-weighted kappa too." };

        public void AddTo(Command command)
        {
            command.Arguments.Add(dataset);
            foreach (var option in new Option[] { models, map, split, outDir, cache, seed, bootstrap, ordered })
            {
                command.Options.Add(option);
            }

            common.AddTo(command);
        }

        public EvalRun Start(ParseResult parse, CliOutput output, bool requireTiles = true, string pathColumn = "path")
        {
            var settings = common.Load(parse);
            settings.ApplyActivePlugins();
            var source = parse.GetValue(dataset)!;
            CaptionDataset? captions = null;
            TileDataset? tiles = null;
            if (!requireTiles && File.Exists(source) && CsvHeader(source).Contains("caption"))
            {
                captions = CaptionDataset.Load(source);
                if (CsvHeader(source).Contains("label"))
                {
                    tiles = TileDataset.LoadCsv(source, "image");
                }
            }
            else if (pathColumn == "image")
            {
                // Image,mask pairs: read by the segmentation command itself.
                tiles = File.Exists(source) ? TileDataset.Empty(source) : throw new SettingsException([$"{source}: segmentation pairs are listed in a CSV with columns image,mask."]);
            }
            else if (pathColumn != "path")
            {
                tiles = File.Exists(source) ? TileDataset.LoadCsv(source, pathColumn) : throw new SettingsException([$"{source}: whole slides are listed in a CSV with columns slide,label[,split]."]);
            }
            else
            {
                tiles = TileDataset.Load(source);
            }

            var data = tiles ?? TileDataset.Empty(source);
            var resamples = parse.GetValue(bootstrap);
            if (resamples is < 0 or 1)
            {
                throw new SettingsException([$"--bootstrap must be 0 or at least 2 (is {resamples})."]);
            }

            var chosenSplit = parse.GetValue(split) ?? (data.HasSplits ? "test" : null);
            if (chosenSplit is not null && data.Split(chosenSplit).Count == 0)
            {
                throw new SettingsException([$"{data.Source}: no image is in split '{chosenSplit}'."]);
            }

            var cacheRoot = parse.GetValue(cache)?.FullName ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.ZeroShot.TextEmbeddingCache))!, "eval-embeddings");
            var logging = ModelLoading.Logging(output.Error);
            var mapping = parse.GetValue(map) is { } m ? LabelMapping.Load(m.FullName) : LabelMapping.Identity;
            var modelDirectories = parse.GetValue(models) is { Length: > 0 } given ? given.Select(d => d.FullName).ToArray() : [settings.ModelPackageDirectory];
            return new EvalRun(settings, logging, data, mapping, chosenSplit, modelDirectories, parse.GetValue(outDir)!.FullName, parse.GetValue(seed), resamples, parse.GetValue(ordered),
                new PipelineImageEmbedder(settings, logging, cacheRoot, parse.GetValue(common.TargetMpp), output.Error))
            {
                Captions = captions,
            };
        }

        private static List<string> CsvHeader(string file) =>
            (File.ReadLines(file).FirstOrDefault() ?? string.Empty).Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToList();
    }

    internal sealed record EvalRun(EdgertSettings Settings, Microsoft.Extensions.Logging.ILoggerFactory Logging, TileDataset Dataset, LabelMapping Mapping, string? Split, IReadOnlyList<string> Models, string Output, int Seed, int Resamples, bool Ordered, PipelineImageEmbedder Embedder)
    {
        /// <summary>Image–caption pairs (retrieval), when the dataset is such a CSV.</summary>
        public CaptionDataset? Captions { get; init; }

        public Task<ModelRuntime> LoadAsync(string modelDirectory, string? promptFile, CancellationToken cancellationToken)
        {
            Settings.Processing.ModelPackage = modelDirectory;
            if (promptFile is not null)
            {
                Settings.Processing.TaskPromptSets[TaggingTask] = promptFile;
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
            AtomicFile.WriteText(Path.Combine(Output, "report.json"), document.ToJsonString(Indented));
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
            AtomicFile.WriteText(Path.Combine(Output, "report.json"), document.ToJsonString(Indented));
            AtomicFile.WriteText(Path.Combine(Output, "report.md"), markdown.ToString());
            output.Out.Write(markdown.ToString());
            output.Error.WriteLine($"report: {Path.Combine(Output, "report.json")}, {Path.Combine(Output, "report.md")} and {runs.Count * 2} charts");
            return ExitCodes.Success;
        }
    }
}

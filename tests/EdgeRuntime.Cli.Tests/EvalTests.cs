using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// `edgert eval` through the real CLI with the texture test model on held-out crops (the right 40 % of each source
/// image, which training never saw): zero-shot, few-shot and the linear probe, each writing every report file (per-sample
/// rows, the most confident mistakes, per-class intervals); prompt sets compared side by side; the embedding cache; the
/// CSV layout with splits and a label map; retrieval with repeated captions; segmentation per image; refusals.
/// </summary>
public sealed class EvalTests(ITestOutputHelper log) : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Zero_shot_reaches_its_bound_a_badly_worded_prompt_set_does_not_and_the_probe_and_prototypes_do()
    {
        var crops = TestModel.HeldOut(temp.File("crops"), 10);
        var config = TestModelConfig.Write(temp, "config.json", string.Empty);
        var cache = temp.File("embeddings");

        // A prompt set whose every class is described by the same words: text cannot tell them apart.
        var weak = temp.File("weak/prompts.json");
        Directory.CreateDirectory(Path.GetDirectoryName(weak)!);
        File.WriteAllText(weak, JsonSerializer.Serialize(new
        {
            schemaVersion = 1,
            id = "textures-badly-worded",
            name = "Every class described as 'a texture' (TEST)",
            version = "1.0.0",
            families = new[] { "clip" },
            templates = new[] { "a photo of {}." },
            classes = TestModel.Classes.Select(c => new { name = c, synonyms = new[] { "a texture" } }).ToArray(),
        }));

        var (zeroShot, stderr) = Eval(config, "zero-shot", crops, "zs", "--prompts", TestModel.PromptSet, "--prompts", weak, "--cache", cache);
        Assert.Contains("40 encoded, 0 from the cache", stderr, StringComparison.Ordinal);
        var good = Metric(zeroShot, 0, "balancedAccuracy");
        var bad = Metric(zeroShot, 1, "balancedAccuracy");
        log.WriteLine($"zero-shot balanced accuracy on 40 held-out crops: textures {good:0.000}, badly worded {bad:0.000}");
        // The bound of TestModelTests (a guesser reaches 0.8 with probability below 1e-11), through edgert eval.
        Assert.True(good >= 0.8, $"balanced accuracy {good:0.000}");
        // Identical class texts give every class the same probability: the first class always wins, recall 1 on it and 0
        // elsewhere, so balanced accuracy 0.25 (chance).
        Assert.Equal(0.25, bad, 9);
        var ci = zeroShot["runs"]![0]!["metrics"]!["balancedAccuracy"]!["ci95"]!.AsArray();
        Assert.InRange(good, ci[0]!.GetValue<double>(), ci[1]!.GetValue<double>());
        var markdown = File.ReadAllText(temp.File("zs/report.md"));
        Assert.Contains("| texture-test-model 1.0.0 · textures 1.0.0 · zero-shot | **", markdown, StringComparison.Ordinal);
        AssertCharts(temp.File("zs"), 2);

        // A row per crop and run: its file, truth, prediction and every class's score, in report.json and samples.csv.
        var rows = zeroShot["runs"]![1]!["perSample"]!.AsArray();
        Assert.Equal(40, rows.Count);
        Assert.Equal(Directory.GetFiles(crops, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal), rows.Select(r => r!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(Path.GetFileName(Path.GetDirectoryName(r!["path"]!.GetValue<string>())), r!["truth"]!.GetValue<string>()));
        // The badly worded set gives every class the same score (worked out above): each crop is called brick with
        // 1/4 of the probability, and the 30 crops that are not brick are its mistakes.
        Assert.All(rows, r => Assert.Equal("brick", r!["prediction"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.All(TestModel.Classes, c => Assert.Equal(0.25, r!["scores"]![c]!.GetValue<double>(), 6)));
        Assert.Equal(30, rows.Count(r => !r!["correct"]!.GetValue<bool>()));
        // The good set's rows agree with its confusion matrix, counted here from the rows.
        var good0 = zeroShot["runs"]![0]!;
        var classes = good0["classes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var counted = classes.Select(t => classes.Select(p => (long)good0["perSample"]!.AsArray().Count(r => r!["truth"]!.GetValue<string>() == t && r["prediction"]!.GetValue<string>() == p)).ToArray()).ToArray();
        Assert.Equal(good0["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray(), counted);
        var csv = File.ReadAllLines(temp.File("zs/samples.csv"));
        Assert.Equal("run,path,truth,prediction,correct,confidence,scores:brick,scores:grass,scores:gravel,scores:ihc", csv[0]);
        Assert.Equal(81, csv.Length);
        // The mistakes as thumbnails, most confident first: the sheet (16 of 30) and its table in report.md.
        AssertPng(temp.File("zs/run2-worst.png"));
        Assert.Contains("The 16 most confident mistakes (of 30 wrong in 40)", markdown, StringComparison.Ordinal);
        Assert.Contains("![most confident mistakes](run2-worst.png)", markdown, StringComparison.Ordinal);
        // Per-class 95 % intervals, in report.json and in the per-class table.
        var brick = zeroShot["runs"]![1]!["perClass"]!.AsArray().Single(c => c!["class"]!.GetValue<string>() == "brick")!;
        Assert.Equal(1.0, brick["recall"]!.GetValue<double>());
        Assert.Equal(2, brick["ci95"]!["precision"]!.AsArray().Count);
        Assert.Contains("| class | support | precision [95 % CI] | recall [95 % CI] | F1 [95 % CI] |", markdown, StringComparison.Ordinal);
        Assert.Contains("| brick | 10 | 0.250 [", markdown, StringComparison.Ordinal);

        // The second prompt set's run reused the first's embeddings: nothing is encoded again.
        var (_, again) = Eval(config, "zero-shot", crops, "zs-again", "--prompts", weak, "--cache", cache);
        Assert.Contains("0 encoded, 40 from the cache", again, StringComparison.Ordinal);

        // Labelled examples rescue the classes words describe badly: the probe and 5-shot prototypes are far above it.
        var (probe, _) = Eval(config, "linear-probe", crops, "lp", "--cache", cache);
        var probeScore = Metric(probe, 0, "balancedAccuracy");
        var (fewShot, _) = Eval(config, "few-shot", crops, "fs", "--shots", "1,5", "--repeats", "3", "--cache", cache);
        var fiveShot = fewShot["runs"]![1]!["metrics"]!["balancedAccuracy"]!["mean"]!.GetValue<double>();
        log.WriteLine($"linear probe {probeScore:0.000}; 1-shot {fewShot["runs"]![0]!["metrics"]!["balancedAccuracy"]!["mean"]}, 5-shot {fiveShot:0.000} (mean of 3)");
        // 20 test crops (half of each class is training); chance 0.25; 0.9 allows two misses.
        Assert.True(probeScore >= 0.9 && probeScore > bad, $"linear probe {probeScore:0.000}");
        Assert.True(fiveShot >= 0.9, $"5-shot {fiveShot:0.000}");
        Assert.Equal(3, fewShot["runs"]![1]!["metrics"]!["balancedAccuracy"]!["values"]!.AsArray().Count);
        AssertCharts(temp.File("lp"), 1);
        AssertCharts(temp.File("fs"), 2);
        // The probe's rows are its 20 test crops; few-shot's, each shot count's first draw (seed 0).
        Assert.Equal(20, probe["runs"]![0]!["perSample"]!.AsArray().Count);
        Assert.Equal(21, File.ReadAllLines(temp.File("lp/samples.csv")).Length);
        Assert.All(fewShot["runs"]!.AsArray(), r => Assert.NotEmpty(r!["first"]!["perSample"]!.AsArray()));
        Assert.Contains("for few-shot runs, those of the first draw", File.ReadAllText(temp.File("fs/report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_with_splits_and_a_label_map_is_evaluated_on_its_test_split_and_unknown_labels_are_named()
    {
        var crops = TestModel.HeldOut(temp.File("crops"), 4);
        var config = TestModelConfig.Write(temp, "config.json", string.Empty);
        // Dataset codes, as public datasets use them (CRC-100K's TUM, STR ...), mapped to the prompt set's classes.
        var codes = new Dictionary<string, string> { ["brick"] = "BRK", ["grass"] = "GRS", ["gravel"] = "GRV", ["ihc"] = "IHC" };
        var rows = new List<string> { "path,label,split" };
        foreach (var name in TestModel.Classes)
        {
            var files = Directory.GetFiles(Path.Combine(crops, name)).Order(StringComparer.Ordinal).ToList();
            rows.AddRange(files.Select((f, i) => $"{Path.GetRelativePath(crops, f)},{codes[name]},{(i < 2 ? "train" : "test")}"));
        }

        var csv = Path.Combine(crops, "dataset.csv");
        File.WriteAllLines(csv, rows);
        var map = temp.File("map.json");
        File.WriteAllText(map, JsonSerializer.Serialize(codes.ToDictionary(c => c.Value, c => c.Key)));

        var (report, _) = Eval(config, "zero-shot", csv, "csv", "--map", map);
        Assert.Equal("test", report["dataset"]!["split"]!.GetValue<string>());
        Assert.Equal(8, report["runs"]![0]!["samples"]!.GetValue<int>());

        // Two datasets side by side, as the seed papers' tables: a row per run, a column per dataset.
        Eval(config, "zero-shot", crops, "folders");
        var (compared, table, compareError) = Edgert.Run("eval", "compare", temp.File("csv/report.json"), temp.File("folders/report.json"), "--metric", "weightedF1", "-o", temp.File("table.md"));
        Assert.True(compared == 0, compareError);
        Assert.Contains("| run | dataset.csv | crops |", table, StringComparison.Ordinal);
        Assert.Contains("| texture-test-model 1.0.0 · textures 1.0.0 · zero-shot |", table, StringComparison.Ordinal);
        Assert.Equal(table, File.ReadAllText(temp.File("table.md")));
        // Four crops per class and four shots leave nothing to test on: refused, naming the classes.
        var (fewShot, _, fewShotError) = Edgert.Run("eval", "few-shot", crops, "--shots", "4", "-o", temp.File("refused-fs"), "--config", config);
        Assert.Equal(1, fewShot);
        Assert.Contains("4 shots leave no test image of brick, grass, gravel, ihc", fewShotError, StringComparison.Ordinal);
        (compared, _, compareError) = Edgert.Run("eval", "compare", temp.File("csv/report.json"), "--metric", "dice");
        Assert.Equal(1, compared);
        Assert.Contains("has no metric 'dice'", compareError, StringComparison.Ordinal);

        // Without the map the codes are not classes: the error names the file, the labels and the way out.
        var (code, _, error) = Edgert.Run("eval", "zero-shot", csv, "-o", temp.File("refused"), "--config", config);
        Assert.Equal(1, code);
        Assert.Contains(csv, error, StringComparison.Ordinal);
        Assert.Contains("'BRK'", error, StringComparison.Ordinal);
        Assert.Contains("--map", error, StringComparison.Ordinal);

        File.AppendAllLines(csv, ["missing.png,BRK,test"]);
        (code, _, error) = Edgert.Run("eval", "zero-shot", csv, "-o", temp.File("refused"), "--map", map, "--config", config);
        Assert.Equal(1, code);
        Assert.Contains($"line {rows.Count + 1}", error, StringComparison.Ordinal);
        Assert.Contains("missing.png: no such file.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Retrieval_scores_repeated_captions_as_one_query_and_is_far_above_chance_across_modalities_and_classes()
    {
        var crops = TestModel.HeldOut(temp.File("crops"), 10);
        var config = TestModelConfig.Write(temp, "config.json", string.Empty);
        var captions = new Dictionary<string, string> { ["brick"] = "a photo of a brick wall", ["grass"] = "a close-up photo of grass", ["gravel"] = "an image of small stones", ["ihc"] = "a picture of immunohistochemistry" };
        var csv = Path.Combine(crops, "captions.csv");
        File.WriteAllLines(csv, new[] { "image,caption,label" }.Concat(TestModel.Classes.SelectMany(c =>
            Directory.GetFiles(Path.Combine(crops, c)).Order(StringComparer.Ordinal).Select(f => $"{Path.GetRelativePath(crops, f)},{captions[c]},{c}"))));

        var (report, stderr) = Eval(config, "retrieval", csv, "rt", "--ks", "1,2,10");
        var run = report["runs"]![0]!;
        var textToImage = run["crossModal"]!["textToImage"]!["recall@1"]!;
        var imageToText = run["crossModal"]!["imageToText"]!["recall@1"]!;
        var sameClass = run["sameClass"]!["imageToImage"]!["recall@1"]!;
        log.WriteLine($"Recall@1 text→image {textToImage["value"]} (chance {textToImage["chance"]}), image→text {imageToText["value"]} (chance {imageToText["chance"]}); image→image Recall@1 {sameClass["value"]} (chance {sameClass["chance"]})");
        // Each class's 10 images share one caption: 40 captions, 4 distinct texts. Scored row by row, the 10 identical
        // queries of a class share one ranking and at most one of them finds "its" image first. They are one query
        // instead, whose hit is any of its 10 images, and it is said so on stderr and in the report.
        Assert.Contains("captions.csv: 40 captions but 4 distinct; captions are compared as text", stderr, StringComparison.Ordinal);
        Assert.Equal(4, run["crossModal"]!["distinctCaptions"]!.GetValue<int>());
        Assert.Equal(36, run["crossModal"]!["duplicateCaptions"]!.GetValue<int>());
        Assert.Equal(4, report["dataset"]!["distinctCaptions"]!.GetValue<int>());
        // Chance at 1, worked by hand: a text has 10 relevant images of 40 (1/4); an image 1 relevant text of 4 (1/4).
        Assert.Equal(0.25, textToImage["chance"]!.GetValue<double>(), 9);
        Assert.Equal(0.25, imageToText["chance"]!.GetValue<double>(), 9);
        // At 2: 1 − (30·29)/(40·39) = 0.4423 for text → image; 1 − (3·2)/(4·3) = 1/2 for image → text.
        Assert.Equal(1 - (30.0 * 29 / (40 * 39)), run["crossModal"]!["textToImage"]!["recall@2"]!["chance"]!.GetValue<double>(), 9);
        Assert.Equal(0.5, run["crossModal"]!["imageToText"]!["recall@2"]!["chance"]!.GetValue<double>(), 9);
        // Four queries: each finds an image of its texture first (a 0.75 would allow one class the model confuses).
        Assert.True(textToImage["value"]!.GetValue<double>() >= 0.75, textToImage.ToJsonString());
        Assert.True(imageToText["value"]!.GetValue<double>() >= 0.8, imageToText.ToJsonString());
        // Image → image by class: the nearest other crop is of the same texture; chance 9/39.
        Assert.Equal(9 / 39.0, sameClass["chance"]!.GetValue<double>(), 9);
        Assert.True(sameClass["value"]!.GetValue<double>() >= 0.9, sameClass.ToJsonString());
        var markdown = File.ReadAllText(temp.File("rt/report.md"));
        Assert.Contains("text→image R@10", markdown, StringComparison.Ordinal);
        Assert.Contains("40 captions, 4 distinct. **36 captions repeat another's text**: captions are compared as text", markdown, StringComparison.Ordinal);
        // Recall@K charts, one per direction, referenced from the report.
        foreach (var chart in new[] { "recall-text-to-image.png", "recall-image-to-text.png", "recall-image-to-image.png" })
        {
            AssertPng(temp.File("rt/" + chart));
            Assert.Contains($"]({chart})", markdown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Whole_slides_are_tagged_by_top_k_pooling_and_every_k_is_reported()
    {
        const int Tile = 224;
        // One slide per class: two thirds its own texture, a third of the next one (so that pooling has to choose).
        var classes = TestModel.Classes;
        var slides = classes.Select((c, i) => new TextureSlide(6 * Tile, 3 * Tile, [(c, 0, 0, 4 * Tile, 3 * Tile), (classes[(i + 1) % classes.Count], 4 * Tile, 0, 6 * Tile, 3 * Tile)], $"{c}.tiff")).ToList();
        try
        {
            var csv = temp.File("slides.csv");
            File.WriteAllLines(csv, new[] { "slide,label" }.Concat(slides.Select((s, i) => $"{s.Path},{classes[i]}")));
            var config = TestModelConfig.Write(temp, "config.json", string.Empty);
            var (report, stderr) = Eval(config, "zero-shot", csv, "slides", "--slides", "--top-k", "1,5,100");
            Assert.Contains("progress: 4/4 slides (18 tiles", stderr, StringComparison.Ordinal);
            var runs = report["runs"]!.AsArray();
            Assert.Equal(new[] { 1, 5, 100 }, runs.Select(r => r!["pooling"]!["k"]!.GetValue<int>()));
            var scores = runs.ToDictionary(r => r!["pooling"]!["k"]!.GetValue<int>(), r => r!["metrics"]!["balancedAccuracy"]!["value"]!.GetValue<double>());
            log.WriteLine("balanced accuracy by K: " + string.Join(", ", scores.Select(s => $"top-{s.Key} {s.Value:0.000}")));
            // Pooling every tile (K = 100 > 18), each slide's own texture (12 of 18 tiles) outweighs the other (6): four
            // slides, chance 0.25, 0.75 allows one wrong. With small K the most confident tiles decide, and a pure
            // patch of the minority texture is as confident as one of the majority: that is why every K is reported
            // and none is chosen on the test set.
            Assert.True(scores[100] >= 0.75, $"top-100: {scores[100]:0.000}");
            Assert.All(scores.Values, v => Assert.InRange(v, 0.0, 1.0));
        }

        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Segmentation_dice_against_masks_drawn_by_pillow_is_high_where_regions_follow_tiles()
    {
        const int Tile = 224;
        // brick | gravel with a grass hole; masks drawn by Pillow (not our code) at 1/16 of level 0, in RGB.
        (string, long, long, long, long)[] layout = [("brick", 0, 0, 4 * Tile, 6 * Tile), ("gravel", 4 * Tile, 0, 10 * Tile, 6 * Tile), ("grass", 6 * Tile, 2 * Tile, 8 * Tile, 4 * Tile)];
        using var slide = new TextureSlide(10 * Tile, 6 * Tile, layout);
        var colours = new Dictionary<string, int[]> { ["brick"] = [200, 0, 0], ["gravel"] = [0, 0, 200], ["grass"] = [0, 200, 0], ["ihc"] = [200, 200, 0] };
        var mask = temp.File("mask.png");
        ExternalTool.Python(
            "import sys, json; from PIL import Image, ImageDraw\n"
            + "w, h, regions, colours = int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5])\n"
            + "im = Image.new('RGB', (w // 16, h // 16), (0, 0, 0)); d = ImageDraw.Draw(im)\n"
            + "for c, x0, y0, x1, y1 in regions: d.rectangle([x0 // 16, y0 // 16, x1 // 16 - 1, y1 // 16 - 1], fill=tuple(colours[c]))\n"
            + "im.save(sys.argv[1])",
            mask, (10 * Tile).ToString(System.Globalization.CultureInfo.InvariantCulture), (6 * Tile).ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(layout.Select(r => new object[] { r.Item1, r.Item2, r.Item3, r.Item4, r.Item5 })), JsonSerializer.Serialize(colours));
        var csv = temp.File("pairs.csv");
        File.WriteAllLines(csv, ["image,mask", $"{slide.Path},mask.png"]);
        var palette = temp.File("palette.json");
        File.WriteAllText(palette, JsonSerializer.Serialize(colours));
        var config = TestModelConfig.Write(temp, "config.json", string.Empty);

        var (report, _) = Eval(config, "segmentation", csv, "seg", "--palette", palette);
        var run = report["runs"]![0]!;
        var dice = run["perClass"]!.AsArray().Where(c => c!["dice"] is not null).ToDictionary(c => c!["class"]!.GetValue<string>(), c => c!["dice"]!.GetValue<double>());
        log.WriteLine("Dice by edgert eval segmentation: " + string.Join(", ", dice.Select(d => $"{d.Key} {d.Value:0.000}")) + $"; mean {run["metrics"]!["meanDice"]!["value"]}");
        // Regions on tile boundaries, no overlap: a cell is one tile of one texture, so only a wrong tag lowers Dice.
        // 0.9 allows about one wrong cell in ten of the larger regions, and none of grass's 4 (one would give 0.857).
        // IHC is in neither map, so it has no Dice (not a perfect one).
        Assert.Equal(new[] { "brick", "grass", "gravel" }, dice.Keys.Order(StringComparer.Ordinal));
        Assert.All(dice, d => Assert.True(d.Value >= 0.9, $"{d.Key}: Dice {d.Value:0.000}"));

        // A row per image with its own Dice: with one image, its own figures are the summed ones.
        var image = run["perSample"]!.AsArray().Single()!;
        Assert.Equal(slide.Path, image["path"]!.GetValue<string>());
        Assert.Equal(60, image["cells"]!.GetValue<int>()); // 10 × 6 cells, every one under a listed colour
        Assert.All(dice, d => Assert.Equal(d.Value, image["dice"]![d.Key]!.GetValue<double>(), 12));
        Assert.Null(image["dice"]!["ihc"]);
        Assert.Equal(run["metrics"]!["meanDice"]!["value"]!.GetValue<double>(), image["meanDice"]!.GetValue<double>(), 12);
        var samples = File.ReadAllLines(temp.File("seg/samples.csv"));
        Assert.Equal("run,path,mask,cells,meanDice,dice:brick,dice:grass,dice:gravel,dice:ihc", samples[0]);
        Assert.Equal(2, samples.Length);
        Assert.EndsWith(",", samples[1], StringComparison.Ordinal); // ihc: no Dice, an empty cell
    }

    [Fact]
    public void The_help_line_of_eval_names_every_method()
    {
        var (code, help, error) = Edgert.Run("--help");
        Assert.True(code == 0, error);
        // The eval entry of the command list, with its wrapped continuation lines.
        var lines = help.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("  eval ", StringComparison.Ordinal));
        Assert.True(start >= 0, help);
        var entry = string.Join(' ', lines.Skip(start).TakeWhile((l, i) => i == 0 || (l.StartsWith("   ", StringComparison.Ordinal) && l.Trim().Length > 0)).Select(l => l.Trim()));
        foreach (var method in new[] { "zero-shot", "few-shot", "linear-probe", "retrieval", "segmentation" })
        {
            Assert.Contains(method, entry, StringComparison.Ordinal);
        }
    }

    private (JsonNode Report, string Error) Eval(string config, string method, string dataset, string output, params string[] args)
    {
        var (code, stdout, error) = Edgert.Run(["eval", method, dataset, "-o", temp.File(output), "--config", config, .. args]);
        Assert.True(code == 0, error);
        Assert.StartsWith($"# edgert eval {method}", stdout, StringComparison.Ordinal);
        return (JsonNode.Parse(File.ReadAllText(temp.File(output + "/report.json")))!, error);
    }

    private static double Metric(JsonNode report, int run, string metric) => report["runs"]![run]!["metrics"]![metric]!["value"]!.GetValue<double>();

    private static void AssertCharts(string folder, int runs)
    {
        Assert.True(File.Exists(Path.Combine(folder, "report.md")));
        for (var i = 1; i <= runs; i++)
        {
            foreach (var chart in new[] { $"run{i}-confusion.png", $"run{i}-per-class.png" })
            {
                AssertPng(Path.Combine(folder, chart));
            }
        }
    }

    private static void AssertPng(string file)
    {
        var bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 2000 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature), $"{file}: not a PNG picture");
    }
}

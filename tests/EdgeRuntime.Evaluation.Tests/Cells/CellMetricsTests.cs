using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Cells;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Evaluation.Tests.Cells;

/// <summary>
/// The cell metrics against golden/cell_metrics.py, an independent numpy/scipy implementation of the published
/// definitions (HoVer-Net, PanNuke, CoNIC), run at test time, to 1e-9 on generated nuclei.
/// </summary>
public sealed class CellMetricsTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] Names = ["tumour", "lymphocyte", "stroma"];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Every_figure_matches_the_independent_reference_per_image_on_the_dataset_and_on_bootstrap_resamples()
    {
        const int Images = 30;
        var (truth, prediction, shape) = SyntheticNuclei.Make(Images, 72, seed: 7);
        var truthFile = Path.Combine(temp.Path, "truth.npy");
        var predFile = Path.Combine(temp.Path, "pred.npy");
        NpyWriter.WriteInts(truthFile, shape, truth);
        NpyWriter.WriteInts(predFile, shape, prediction);

        var stats = Score(truthFile, predFile, radius: 6);
        var indexLists = new List<int[]> { Enumerable.Range(0, Images).ToArray() };
        indexLists.AddRange(Bootstrap.Resamples(Images, seed: 3, resamples: 4));
        var golden = JsonNode.Parse(ExternalTool.Run(ExternalTool.DebianPython,
            [Golden, truthFile, predFile, "6", JsonSerializer.Serialize(Names), JsonSerializer.Serialize(indexLists)]))!;

        var compared = 0;
        var maxError = 0.0;
        for (var i = 0; i < Images; i++)
        {
            var row = golden["images"]![i]!;
            var s = stats[i];
            Assert.Equal(row["trueCount"]!.GetValue<int>(), s.TrueCount);
            Assert.Equal(row["predictedCount"]!.GetValue<int>(), s.PredictedCount);
            Assert.Equal(row["detected"]!.GetValue<int>(), s.Detected);
            foreach (var (key, value) in new[] { ("dice", s.Dice), ("aji", s.Aji), ("ajiPlus", s.AjiPlus), ("dq", s.Dq), ("sq", s.Sq), ("bPQ", s.Bpq), ("mPQ", s.Mpq) })
            {
                maxError = Math.Max(maxError, Same(row[key], value, $"image {i} {key}"));
                compared++;
            }

            for (var c = 0; c < Names.Length; c++)
            {
                maxError = Math.Max(maxError, Same(row["classPq"]![c], s.ClassPq[c], $"image {i} PQ {Names[c]}"));
                compared++;
            }
        }

        for (var l = 0; l < indexLists.Count; l++)
        {
            var scores = CellScores.Of(stats, indexLists[l], Names);
            var expected = golden["aggregates"]![l]!.AsObject();
            Assert.Equal(expected.Select(e => e.Key).Order(), scores.Keys.Order());
            foreach (var (key, value) in expected)
            {
                maxError = Math.Max(maxError, Same(value, scores[key], $"index list {l} {key}"));
                compared++;
            }
        }

        log.WriteLine($"{compared} figures compared, largest difference {maxError:E2}");

        // The generated set holds every case the definitions treat apart.
        Assert.Contains(stats, s => s.TrueCount == 0 && s.PredictedCount == 0);
        Assert.Contains(stats, s => s.TrueCount == 0 && s.PredictedCount > 0);
        Assert.Contains(stats, s => s.TrueCount > 0 && s.PredictedCount == 0);
        Assert.Contains(stats, s => s.TrueCount > s.Detected && s.PredictedCount > s.Detected);
        Assert.Contains(stats, s => s.Aji < s.AjiPlus);
        Assert.Contains(stats, s => s.Detected > s.TypeAgreements);
    }

    [Fact]
    public void A_perfect_prediction_scores_one_and_an_empty_one_zero()
    {
        var (truth, _, shape) = SyntheticNuclei.Make(6, 64, seed: 11);
        var truthFile = Path.Combine(temp.Path, "truth.npy");
        NpyWriter.WriteInts(truthFile, shape, truth);
        var perfect = CellScores.Of(Score(truthFile, truthFile, 6), Enumerable.Range(0, 6).ToArray(), Names);
        foreach (var key in new[] { "detectionF1", "precision", "recall", "typeAccuracy", "dice", "aji", "ajiPlus", "dq" })
        {
            Assert.Equal(1.0, perfect[key], 12);
        }

        // SQ carries HoVer-Net's 1e-6 guard: ΣIoU / (TP + 1e-6) with IoU 1.
        Assert.Equal(1.0, perfect["bPQ"], 5);

        var emptyFile = Path.Combine(temp.Path, "empty.npy");
        NpyWriter.WriteInts(emptyFile, shape, new int[truth.Length]);
        var empty = CellScores.Of(Score(truthFile, emptyFile, 6), Enumerable.Range(0, 6).ToArray(), Names);
        Assert.Equal(0.0, empty["recall"]);
        Assert.Equal(0.0, empty["dice"]);
        Assert.Equal(0.0, empty["bPQ"]);
        Assert.True(double.IsNaN(empty["precision"]), "precision with no prediction is undefined");
    }

    [Fact]
    public void PanNuke_masks_read_as_the_same_nuclei_as_their_CoNIC_form()
    {
        // PanNuke keeps each class's nuclei in its own channel (ids restarting per channel) and background in channel 5;
        // float64, as the published arrays are.
        var (truth, _, shape) = SyntheticNuclei.Make(6, 48, seed: 5);
        var (n, h, w) = (shape[0], shape[1], shape[2]);

        // A PanNuke nucleus has one class (its channel): each generated nucleus gets its majority class.
        var majority = new Dictionary<(long, int), int>();
        for (var i = 0; i < n * h * w; i++)
        {
            var id = truth[i * 2];
            if (id > 0 && !majority.ContainsKey((i / (h * w), id)))
            {
                var image = i / (h * w);
                majority[(image, id)] = Enumerable.Range((int)(image * h * w), (int)(h * w)).Where(j => truth[j * 2] == id)
                    .GroupBy(j => truth[(j * 2) + 1]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            }
        }

        var pannuke = new double[n * h * w * 6];
        var conic = new int[truth.Length];
        for (var i = 0; i < n * h * w; i++)
        {
            var id = truth[i * 2];
            var cls = id > 0 ? majority[(i / (h * w), id)] : 0;
            if (id > 0)
            {
                pannuke[(i * 6) + cls - 1] = id;
            }

            pannuke[(i * 6) + 5] = id > 0 ? 0 : 1;
            (conic[i * 2], conic[(i * 2) + 1]) = (id, cls);
        }

        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "pannuke")).FullName;
        NpyWriter.WriteDoubles(Path.Combine(folder, "masks.npy"), [n, h, w, 6], pannuke);
        var dataset = CellDataset.Open(folder);
        Assert.Equal(CellLayout.PanNuke, dataset.Layout);
        Assert.Equal(["neoplastic", "inflammatory", "connective", "dead", "epithelial"], dataset.ClassNames);
        var samples = dataset.Samples().ToList();
        Assert.Equal(6, samples.Count);
        for (var s = 0; s < samples.Count; s++)
        {
            // Same partition of pixels into nuclei (ids may differ), same class per pixel.
            var expectedIds = conic.Skip((int)(s * h * w * 2)).Take((int)(h * w * 2)).Where((_, i) => i % 2 == 0).ToArray();
            var expectedClasses = conic.Skip((int)(s * h * w * 2)).Take((int)(h * w * 2)).Where((_, i) => i % 2 == 1).ToArray();
            Assert.Equal(expectedClasses, samples[s].ClassMap);
            Assert.Equal(expectedIds.Select(v => v > 0), samples[s].InstanceMap.Select(v => v > 0));
            var pairs = expectedIds.Zip(samples[s].InstanceMap).Where(p => p.First > 0).Distinct().ToList();
            Assert.Equal(pairs.Select(p => p.First).Distinct().Count(), pairs.Count);
        }
    }

    [Fact]
    public void Folder_layout_reads_16_bit_png_ids_and_npy_masks_exactly()
    {
        var (truth, _, shape) = SyntheticNuclei.Make(3, 40, seed: 9);
        var npy = Path.Combine(temp.Path, "truth.npy");
        NpyWriter.WriteInts(npy, shape, truth);
        var root = Path.Combine(temp.Path, "folder");

        // Pillow writes the folder layout: ids above 255 in a 16-bit PNG (sample 0), an .npy mask (sample 1), 8-bit (sample 2).
        ExternalTool.Python(
            """
            import sys, os, json, numpy as np
            from PIL import Image
            a = np.load(sys.argv[1]); root = sys.argv[2]
            for i in range(len(a)):
                d = os.path.join(root, f"s{i}"); os.makedirs(d)
                inst = a[i, ..., 0].astype(np.int64)
                if i == 0:
                    inst = np.where(inst > 0, inst + 300, 0)
                    Image.fromarray(inst.astype(np.uint16)).save(os.path.join(d, "instances.png"))
                elif i == 1:
                    np.save(os.path.join(d, "instances.npy"), inst.astype(np.int32))
                else:
                    Image.fromarray(inst.astype(np.uint8)).save(os.path.join(d, "instances.png"))
                Image.fromarray(a[i, ..., 1].astype(np.uint8)).save(os.path.join(d, "classes.png"))
            json.dump(["tumour", "lymphocyte", "stroma"], open(os.path.join(root, "classes.json"), "w"))
            """,
            npy, root);

        var dataset = CellDataset.Open(root);
        Assert.Equal(CellLayout.Folder, dataset.Layout);
        Assert.Equal(Names, dataset.ClassNames);
        var samples = dataset.Samples().ToList();
        for (var s = 0; s < 3; s++)
        {
            var ids = truth.Skip(s * 40 * 40 * 2).Take(40 * 40 * 2).Where((_, i) => i % 2 == 0).Select(v => s == 0 && v > 0 ? v + 300 : v).ToArray();
            Assert.Equal(ids, samples[s].InstanceMap);
        }
    }

    [Theory]
    [InlineData("truncated", "truncated")]
    [InlineData("fortran", "Fortran order")]
    [InlineData("shape", "expected (N, H, W, 6)")]
    [InlineData("magic", "not a NumPy .npy file")]
    [InlineData("fraction", "not a whole number")]
    public void Bad_arrays_are_refused_naming_the_file_and_the_fault(string fault, string expected)
    {
        var file = Path.Combine(temp.Path, "masks.npy");
        switch (fault)
        {
            case "truncated":
                NpyWriter.Write(file, "<i4", [2, 8, 8, 2], new byte[100]);
                break;
            case "fortran":
                NpyWriter.Write(file, "<i4", [1, 8, 8, 2], new byte[512], fortran: true);
                break;
            case "shape":
                NpyWriter.WriteInts(file, [1, 8, 8, 3], new int[192]);
                break;
            case "magic":
                File.WriteAllText(file, "not an array at all");
                break;
            case "fraction":
                NpyWriter.WriteDoubles(file, [1, 4, 4, 2], Enumerable.Repeat(0.5, 32).ToArray());
                break;
        }

        var e = Assert.Throws<InvalidDataException>(() => CellDataset.Open(file).Samples().ToList());
        Assert.Contains(file, e.Message);
        Assert.Contains(expected, e.Message);
    }

    private static string Golden => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Evaluation.Tests", "golden", "cell_metrics.py");

    private static List<CellImageStats> Score(string truthFile, string predFile, double radius)
    {
        var truth = CellDataset.Open(truthFile);
        var prediction = CellDataset.Open(predFile);
        return truth.Samples().Zip(prediction.Samples()).Select(p => CellImageStats.Of(p.First, p.Second, Names.Length, radius)).ToList();
    }

    private static double Same(JsonNode? expected, double actual, string what)
    {
        if (expected is null)
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected undefined, got {actual}");
            return 0;
        }

        var e = expected.GetValue<double>();
        Assert.True(Math.Abs(e - actual) <= 1e-9, $"{what}: reference {e:R}, ours {actual:R}");
        return Math.Abs(e - actual);
    }
}

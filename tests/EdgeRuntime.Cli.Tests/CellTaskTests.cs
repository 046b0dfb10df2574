using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// The live cell task through `edgert process`: the reference head (trained at first use on the frozen UNI twin's
/// tokens) on a generated slide whose every nucleus is known (tools/train-cell-head.py --slide), with overlapping tiles,
/// against the truth: counts per class, detection F1 by centroid pairing within 6 px (0.5 µm/px: CoNIC's radius).
/// </summary>
public sealed class CellTaskTests(ITestOutputHelper log) : IDisposable
{
    private const double Radius = 6;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Known_nuclei_on_a_generated_slide_are_counted_and_found_once_across_tile_seams()
    {
        var head = ReferenceCellHead.Package;
        var truthMaps = temp.File("truth-maps");
        var truth = ReferenceCellHead.WriteSlide(temp.File("nuclei.tiff"), 1120, 896, seed: 7, truthMaps);
        var (result, folder) = Process(truth.Path, head, FamilyTwins.Package("uni"), overlap: 32);
        var cells = result["tasks"]!["cells"]!;
        Assert.True(cells["status"]!.GetValue<string>() == "ok", cells.ToJsonString());
        var output = cells["output"]!;

        // The result names the head it ran, by id, version and the hash of its head.json.
        var headJson = File.ReadAllBytes(Path.Combine(head, "head.json"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(headJson)), output["head"]!["sha256"]!.GetValue<string>());
        Assert.Equal("synthetic-nuclei-uni", output["head"]!["id"]!.GetValue<string>());

        var found = ReadTable(Path.Combine(folder, "cells.csv.gz"));
        Assert.Equal(output["cells"]!.GetValue<long>(), found.Count);
        var (tp, fp, fn, classAgree) = Pair(truth.Nuclei, found);
        var f1 = 2.0 * tp / ((2.0 * tp) + fp + fn);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"truth {truth.Nuclei.Count}, found {found.Count}: TP {tp} FP {fp} FN {fn}, F1 {f1:0.000}, class agreement of pairs {classAgree:0.000}"));
        var classes = output["classes"]!.AsArray();
        foreach (var c in classes)
        {
            var name = c!["name"]!.GetValue<string>();
            var expected = truth.Nuclei.Count(n => n.Class == name);
            var counted = c["count"]!.GetValue<long>();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: truth {expected}, counted {counted} ({100.0 * (counted - expected) / expected:+0.0;-0.0} %), {c["perMm2"]} /mm²"));
        }

        log.WriteLine(output.ToJsonString());
        // The issue's target, counts within a few per cent and F1 near 1 (docs/cells.md, "The live task": F1 0.970;
        // tumour −1.7 %, lymphocytes −0.9 %, fibroblasts +3.7 %, one long fibroblast more cut in two by the split).
        // The head trained with a squared error on its distance map measured F1 0.949 and lymphocytes −6.4 % (touching
        // lymphocytes merged), and with cross-entropy but without the class split lymphocytes −4.1 %: both fail; the
        // head before the U-Net decoder (F1 0.51–0.58, tumour −95 %) too.
        Assert.True(f1 >= 0.96, $"F1 {f1:0.000}");
        foreach (var (name, within) in new[] { ("tumour", 0.03), ("lymphocyte", 0.03), ("fibroblast", 0.04) })
        {
            var counted = classes.Single(c => c!["name"]!.GetValue<string>() == name)!["count"]!.GetValue<long>();
            var known = truth.Nuclei.Count(n => n.Class == name);
            Assert.True(Math.Abs(counted - known) <= within * known, $"{name}: {counted} against {known}");
        }

        // Close pairs are logged: a long fibroblast the watershed cut in two gives two cells 3 px apart, which is a
        // split, not a seam copy; a seam copy overlaps its twin (checked on the polygons below).
        foreach (var (a, b) in found.SelectMany((a, i) => found.Skip(i + 1).Where(b => Distance(a.X, a.Y, b.X, b.Y) < 3).Select(b => (a, b))))
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"close pair: ({a.X:0.0}, {a.Y:0.0}) {a.Class} and ({b.X:0.0}, {b.Y:0.0}) {b.Class}"));
        }

        // Densities per mm² of tissue: the whole slide is tissue here (the detector is off), 1120 × 896 px at 0.5 µm/px.
        var mm2 = 1120 * 896 * 0.25 / 1e6;
        Assert.Equal(mm2, output["tissueMm2"]!.GetValue<double>(), 3);

        // QuPath detections: shapely reads every polygon as valid, in level-0 pixels inside the slide.
        var geo = ExternalTool.Python(
            """
            import json, sys
            from shapely.geometry import shape
            from shapely.validation import explain_validity
            fc = json.load(open(sys.argv[1]))
            gs = [shape(f["geometry"]) for f in fc["features"]]
            # No nucleus twice: two kept cells sharing a fifth of the smaller one's area are one nucleus kept by two
            # tiles (cells of one tile never overlap; two touching nuclei share at most a boundary).
            order = sorted(range(len(gs)), key=lambda i: gs[i].bounds[0])
            twins = []
            for k, i in enumerate(order):
                a = gs[i]
                for j in order[k + 1:]:
                    b = gs[j]
                    if b.bounds[0] > a.bounds[2]:
                        break
                    if a.bounds[1] <= b.bounds[3] and b.bounds[1] <= a.bounds[3] and a.intersection(b).area > 0.2 * min(a.area, b.area):
                        twins.append((a.centroid.coords[0], b.centroid.coords[0]))
            print(json.dumps({"n": len(gs), "twins": twins, "valid": all(g.is_valid for g in gs), "why": [explain_validity(g) + " " + g.wkt[:300] for g in gs if not g.is_valid][:3], "maxx": max(g.bounds[2] for g in gs), "maxy": max(g.bounds[3] for g in gs),
                              "objectTypes": sorted({f["properties"]["objectType"] for f in fc["features"]})}))
            """,
            Path.Combine(folder, "cells.geojson"));
        var g = JsonNode.Parse(geo)!;
        Assert.Equal(found.Count, g["n"]!.GetValue<int>());
        Assert.True(g["twins"]!.AsArray().Count == 0, $"nuclei kept twice across seams: {g["twins"]!.ToJsonString()}");
        Assert.True(g["valid"]!.GetValue<bool>(), g["why"]!.ToJsonString());
        Assert.True(g["maxx"]!.GetValue<double>() <= 1120 && g["maxy"]!.GetValue<double>() <= 896);
        Assert.Equal("[\"detection\"]", g["objectTypes"]!.ToJsonString());

        // Segmentation and panoptic quality of the live cells: their polygons filled (pixel centres inside, even-odd)
        // into a level-0 instance and class map, scored against the slide's own maps by `edgert eval cells`, the
        // metric code checked against the published definitions (CellMetricsTests). Measured: PQ 0.863 (DQ 0.963 ×
        // SQ 0.896), mPQ 0.853, AJI 0.832, Dice 0.965; the head with a squared error on its distance map: PQ 0.827,
        // AJI 0.801, Dice 0.968 (docs/cells.md, "The live task").
        var predicted = temp.File("live-maps");
        ExternalTool.Python(
            """
            import json, os, sys
            import numpy as np
            fc = json.load(open(sys.argv[1]))
            names = json.load(open(os.path.join(sys.argv[2], "classes.json")))
            width, height = int(sys.argv[4]), int(sys.argv[5])
            instances = np.zeros((height, width), np.int32)
            classes = np.zeros((height, width), np.int32)
            for k, f in enumerate(fc["features"], start=1):
                ring = np.array(f["geometry"]["coordinates"][0], float)
                x0, y0 = np.floor(ring.min(0)).astype(int)
                x1, y1 = np.ceil(ring.max(0)).astype(int)
                py, px = np.mgrid[y0:y1, x0:x1] + 0.5
                inside = np.zeros(px.shape, bool)
                for (ax, ay), (bx, by) in zip(ring[:-1], ring[1:]):
                    if ay != by:
                        inside ^= ((ay > py) != (by > py)) & (px < ax + (py - ay) * (bx - ax) / (by - ay))
                free = inside & (instances[y0:y1, x0:x1] == 0)
                instances[y0:y1, x0:x1][free] = k
                classes[y0:y1, x0:x1][free] = names.index(f["properties"]["classification"]["name"]) + 1
            os.makedirs(os.path.join(sys.argv[3], "slide"))
            np.save(os.path.join(sys.argv[3], "slide", "instances.npy"), instances)
            np.save(os.path.join(sys.argv[3], "slide", "classes.npy"), classes)
            """,
            Path.Combine(folder, "cells.geojson"), truthMaps, predicted, "1120", "896");
        var reportDir = temp.File("report");
        var (evalCode, _, evalError) = Edgert.Run("eval", "cells", truthMaps, "-P", $"live={predicted}", "--radius", "6", "--bootstrap", "0", "-o", reportDir);
        Assert.True(evalCode == 0, evalError);
        var scored = JsonNode.Parse(File.ReadAllText(Path.Combine(reportDir, "report.json")))!["runs"]![0]!;
        var sample = scored["perSample"]![0]!;
        log.WriteLine(scored["metrics"]!.ToJsonString());
        Assert.Equal(truth.Nuclei.Count, sample["trueNuclei"]!.GetValue<int>());
        Assert.Equal(found.Count, sample["predictedNuclei"]!.GetValue<int>());
        double Metric(string name) => scored["metrics"]![name]!["value"]!.GetValue<double>();
        Assert.True(Metric("bPQ") >= 0.84, $"PQ {Metric("bPQ"):0.000}");
        Assert.True(Metric("mPQ") >= 0.83, $"mPQ {Metric("mPQ"):0.000}");
        Assert.True(Metric("aji") >= 0.81, $"AJI {Metric("aji"):0.000}");
        Assert.True(Metric("dice") >= 0.95, $"Dice {Metric("dice"):0.000}");

        // Every file is an artefact of the result.
        var artefacts = result["artefacts"]!.AsArray().Select(a => a!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("cells.geojson", artefacts);
        Assert.Contains("cells.csv.gz", artefacts);
        Assert.Contains("cells-overlay.png", artefacts);
    }

    [Fact]
    public void The_reference_head_carries_post_processing_chosen_on_held_out_tiles_and_its_figures_there()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(ReferenceCellHead.Package, "head.json")))!;
        var post = manifest["postProcessing"]!;
        var validation = manifest["training"]!["validation"]!;
        log.WriteLine(manifest["postProcessing"]!.ToJsonString());
        log.WriteLine(validation.ToJsonString());

        // The tool's grid (tools/train-cell-head.py), not the runtime's defaults: each value was picked on the tiles.
        Assert.Contains(post["foregroundThreshold"]!.GetValue<double>(), new[] { 0.3, 0.4, 0.5, 0.6, 0.7 });
        Assert.Contains(post["markerDistance"]!.GetValue<double>(), new[] { 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8 });
        Assert.Contains(post["minimumArea"]!.GetValue<int>(), new[] { 4, 6, 10, 16 });
        Assert.Contains(post["classSplitArea"]!.GetValue<int>(), new[] { 0, 16, 25, 30, 40 });
        Assert.True(validation["tiles"]!.GetValue<int>() > 0);

        // What the held-out tiles measured, floored below this head's figures (docs/cells.md, "The reference head").
        // Measured: F1 0.972; per class 0.959, 0.993, 0.956 (without the class split: 0.973; 0.968, 0.981, 0.956; with a
        // squared error on the distance map: F1 0.936, per class
        // 0.914, 0.954, 0.952; the U-Net of session 12, 100 steps without the boundary weight: F1 0.62, tumour 0.22).
        Assert.True(validation["detectionF1"]!.GetValue<double>() >= 0.955, validation.ToJsonString());
        foreach (var (name, floor) in new[] { ("tumour", 0.95), ("lymphocyte", 0.985), ("fibroblast", 0.94) })
        {
            Assert.True(validation["perClassF1"]![name]!.GetValue<double>() >= floor, $"{name}: {validation.ToJsonString()}");

            // Counts within 3 % held out (measured −1.7 %, −1.5 %, −0.7 %; without the class split lymphocytes −3.6 %,
            // the squared-error head's −8.0 %), and every held-out nucleus of the class accounted for once by the miss
            // causes (tools/cells/misses.py).
            Assert.True(Math.Abs(validation["countError"]![name]!.GetValue<double>()) <= 0.03, $"{name}: {validation.ToJsonString()}");
            var causes = validation["causes"]![name]!.AsObject();
            Assert.Equal(["found", "class", "threshold", "area", "merged", "displaced"], causes.Select(c => c.Key));
            Assert.True(causes["found"]!.GetValue<int>() > 0, name);
        }

        // The causes cover every held-out nucleus: 24 tiles' nuclei, as many as the pairing counted (true positives plus misses).
        var total = validation["causes"]!.AsObject().Sum(c => c.Value!.AsObject().Sum(v => v.Value!.GetValue<int>()));
        var found = validation["causes"]!.AsObject().Sum(c => c.Value!["found"]!.GetValue<int>() + c.Value!["class"]!.GetValue<int>());
        Assert.True(total > 500 && found <= total && found >= 0.95 * total, validation.ToJsonString());
    }

    [Fact]
    public void A_head_on_another_encoder_is_refused_with_the_reason()
    {
        var truth = ReferenceCellHead.WriteSlide(temp.File("small.tiff"), 448, 448, seed: 3);
        var config = Config(ReferenceCellHead.Package, 0);
        var (code, _, error) = Edgert.Run("process", truth.Path, "-m", FamilyTwins.Package("virchow2"), "--out", temp.File("results-refused"), "--config", config);
        Assert.NotEqual(0, code);
        Assert.Contains("encoder: trained on model 'uni'", error);
        Assert.Contains("but the model is 'virchow2'", error);
    }

    private (JsonNode Result, string Folder) Process(string slide, string head, string model, int overlap)
    {
        var config = Config(head, overlap);
        var results = temp.File("results");
        var (code, output, error) = Edgert.Run("process", slide, "-m", model, "--out", results, "--config", config);
        Assert.True(code == 0, error);
        var result = JsonNode.Parse(output)!;
        return (result, Path.Combine(results, result["slideId"]!.GetValue<string>()));
    }

    private string Config(string head, int overlap)
    {
        var path = temp.File($"cells-{overlap}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            EdgeRuntime = new
            {
                ZeroShot = new { TextEmbeddingCache = temp.File("cache") },
                Inference = new { ExecutionProviders = new[] { "CPU" } },
                Tissue = new { Detector = "none" },
                Tiling = new { Overlap = overlap },
                Plugins = new { Tasks = "", ActiveFile = temp.File("active.json") },
                // The head runs inside the task's calls: a loaded test machine must not time it out.
                Processing = new { CellHead = head, TaskTimeoutSeconds = 1800 },
            },
        }));
        return path;
    }

    private static List<(double X, double Y, string Class)> ReadTable(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var header = reader.ReadLine()!.Split(',');
        int x = Array.IndexOf(header, "x"), y = Array.IndexOf(header, "y"), c = Array.IndexOf(header, "class");
        var rows = new List<(double, double, string)>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            rows.Add((double.Parse(f[x], CultureInfo.InvariantCulture), double.Parse(f[y], CultureInfo.InvariantCulture), f[c]));
        }

        return rows;
    }

    // Pairs by increasing distance within the radius, each nucleus at most once (greedy; with F1 near 1 it is the
    // Hungarian pairing's count).
    private static (int Tp, int Fp, int Fn, double ClassAgreement) Pair(IReadOnlyList<KnownNucleus> truth, List<(double X, double Y, string Class)> found)
    {
        var pairs = new List<(double D, int T, int F)>();
        for (var t = 0; t < truth.Count; t++)
        {
            for (var f = 0; f < found.Count; f++)
            {
                var d = Distance(truth[t].X, truth[t].Y, found[f].X, found[f].Y);
                if (d <= Radius)
                {
                    pairs.Add((d, t, f));
                }
            }
        }

        var usedT = new bool[truth.Count];
        var usedF = new bool[found.Count];
        int tp = 0, agree = 0;
        foreach (var (_, t, f) in pairs.OrderBy(p => p.D))
        {
            if (usedT[t] || usedF[f])
            {
                continue;
            }

            usedT[t] = usedF[f] = true;
            tp++;
            agree += truth[t].Class == found[f].Class ? 1 : 0;
        }

        return (tp, found.Count - tp, truth.Count - tp, tp == 0 ? 0 : (double)agree / tp);
    }

    private static double Distance(double x0, double y0, double x1, double y1) => Math.Sqrt(((x0 - x1) * (x0 - x1)) + ((y0 - y1) * (y0 - y1)));
}

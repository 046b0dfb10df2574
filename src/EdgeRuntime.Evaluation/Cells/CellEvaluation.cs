using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Evaluation.Reports;

namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// <c>edgert eval cells</c>'s engine: each prediction (a dataset in any of the layouts, sample for sample the same
/// as the truth) scored against the truth, with 95 % percentile-bootstrap intervals over the images and a row per
/// image; the runs side by side.
/// </summary>
public static class CellEvaluation
{
    /// <summary>HoVer-Net's pairing radius at 40× (0.25 µm/px): 12 px; at 20×, 6 px.</summary>
    public const double DefaultRadius40x = 12;

    /// <summary>Scores every prediction against <paramref name="truthPath"/>.</summary>
    /// <param name="truthPath">The true masks (a layout <see cref="CellDataset.Open"/> reads).</param>
    /// <param name="predictions">Each run's name and its predicted masks.</param>
    /// <param name="radius">Centroid pairing radius in pixels.</param>
    /// <param name="classNames">Class names overriding the layout's (required for a folder without classes.json).</param>
    /// <param name="seed">Seeds the bootstrap.</param>
    /// <param name="resamples">Bootstrap resamples (0: no intervals).</param>
    /// <param name="progress">Gets a line per run.</param>
    /// <returns>The report document (report.json), its Markdown and the per-sample CSV.</returns>
    /// <exception cref="InvalidDataException">A dataset cannot be read or does not match the truth; the message names it.</exception>
    public static (JsonObject Document, string Markdown, string Csv) Run(string truthPath, IReadOnlyList<(string Name, string Path)> predictions, double radius, IReadOnlyList<string>? classNames, int seed, int resamples, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(progress);
        var truth = CellDataset.Open(truthPath);
        var names = classNames ?? truth.ClassNames
            ?? throw new InvalidDataException($"{truth.Source}: no classes.json names the classes; add one (a JSON array, class k is entry k) or pass --classes.");
        var runs = new List<(string Name, JsonObject Report)>();
        foreach (var (name, path) in predictions)
        {
            var prediction = CellDataset.Open(path);
            Match(truth, prediction);
            var stats = new List<CellImageStats>(truth.Count);
            foreach (var (t, p) in truth.Samples().Zip(prediction.Samples()))
            {
                try
                {
                    stats.Add(CellImageStats.Of(t, p, names.Count, radius));
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{prediction.Source}: {e.Message}", e);
                }
            }

            runs.Add((name, Report(stats, names, seed, resamples, prediction)));
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {name}: {stats.Count} images, {stats.Sum(s => s.PredictedCount)} predicted and {stats.Sum(s => s.TrueCount)} true nuclei"));
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = "cells",
            ["dataset"] = new JsonObject { ["source"] = truth.Source, ["layout"] = truth.Layout.ToString(), ["images"] = truth.Count, ["classes"] = new JsonArray(names.Select(n => (JsonNode)n!).ToArray()) },
            ["pairing"] = new JsonObject
            {
                ["detection"] = "Hungarian assignment of least total centroid distance (HoVer-Net's pair_coordinates), pairs farther than the radius dropped",
                ["radiusPixels"] = radius,
                ["segmentation"] = "IoU > 0.5 (unique pairs)",
            },
            ["runs"] = new JsonArray(runs.Select(r =>
            {
                var entry = r.Report.DeepClone().AsObject();
                entry["name"] = r.Name;
                return (JsonNode)entry;
            }).ToArray()),
        };

        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"# edgert eval cells\n\nTruth: `{truth.Source}` ({truth.Layout}, {truth.Count} images); centroid radius {radius} px.\n\n");
        markdown.Append(MarkdownReport.Table("Detection and segmentation (best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), CellScores.Headline));
        markdown.Append('\n').Append(MarkdownReport.Table("Per class: F1 (HoVer-Net's F_c) and PQ", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), names.SelectMany(n => new[] { $"F1 {n}", $"PQ {n}" }).ToList()));
        var csv = SampleTable.Csv(runs.Select(r => (r.Name, r.Report["perSample"]!.AsArray())).ToList());
        return (document, markdown.ToString(), csv);
    }

    private static JsonObject Report(List<CellImageStats> stats, IReadOnlyList<string> names, int seed, int resamples, CellDataset prediction)
    {
        var all = Enumerable.Range(0, stats.Count).ToArray();
        var scores = CellScores.Of(stats, all, names);
        var keys = scores.Keys.ToList();
        var intervals = resamples >= 2 && stats.Count > 1
            ? Bootstrap.Intervals(stats.Count, ix => { var s = CellScores.Of(stats, ix, names); return keys.Select(k => s[k]).ToArray(); }, seed, resamples)
            : null;
        var metrics = new JsonObject();
        for (var k = 0; k < keys.Count; k++)
        {
            var entry = new JsonObject { ["value"] = Number(scores[keys[k]]) };
            if (intervals is not null && !double.IsNaN(intervals[k].Low) && !double.IsNaN(intervals[k].High))
            {
                entry["ci95"] = new JsonArray(intervals[k].Low, intervals[k].High);
            }

            metrics[keys[k]] = entry;
        }

        var rows = new JsonArray();
        for (var i = 0; i < stats.Count; i++)
        {
            var s = stats[i];
            var one = CellScores.Of(stats, [i], names);
            var pq = new JsonObject();
            for (var c = 0; c < names.Count; c++)
            {
                pq[names[c]] = Number(s.ClassPq[c]);
            }

            rows.Add(new JsonObject
            {
                ["sample"] = s.Name,
                ["trueNuclei"] = s.TrueCount,
                ["predictedNuclei"] = s.PredictedCount,
                ["detected"] = s.Detected,
                ["precision"] = Number(one["precision"]),
                ["recall"] = Number(one["recall"]),
                ["detectionF1"] = Number(one["detectionF1"]),
                ["dice"] = Number(s.Dice),
                ["aji"] = Number(s.Aji),
                ["ajiPlus"] = Number(s.AjiPlus),
                ["dq"] = Number(s.Dq),
                ["sq"] = Number(s.Sq),
                ["bPQ"] = Number(s.Bpq),
                ["mPQ"] = Number(s.Mpq),
                ["pq"] = pq,
            });
        }

        return new JsonObject
        {
            ["metrics"] = metrics,
            ["perSample"] = rows,
            ["prediction"] = new JsonObject { ["source"] = prediction.Source, ["layout"] = prediction.Layout.ToString() },
            ["note"] = "F1, precision, recall and F_c from counts summed over the images; Dice, AJI, AJI+, DQ, SQ, bPQ and mPQ are means over the images where each is defined (PQ: the truth has a nucleus, of the class for a class's PQ, as PanNuke's evaluation); mPQ+ from TP, FP, FN and IoU summed per class (CoNIC); intervals: 95 % percentile bootstrap over images",
        };
    }

    private static void Match(CellDataset truth, CellDataset prediction)
    {
        if (truth.Count != prediction.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{prediction.Source}: {prediction.Count} samples but the truth ({truth.Source}) has {truth.Count}."));
        }

        if (truth.Layout == CellLayout.Folder && prediction.Layout == CellLayout.Folder)
        {
            var missing = truth.Names.Except(prediction.Names, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidDataException($"{prediction.Source}: no prediction for sample(s) {string.Join(", ", missing.Take(5))} of the truth.");
            }
        }
    }

    private static double? Number(double value) => double.IsNaN(value) ? null : value;
}

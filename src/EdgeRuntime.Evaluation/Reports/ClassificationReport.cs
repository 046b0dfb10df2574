using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Metrics;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// The metrics of one classification run (a model, a class set, a method, a dataset) with 95 % bootstrap intervals
/// (of the headline metrics and of each class's precision, recall and F1) and a row per sample, as a JSON object: what <c>report.json</c> holds per run and what the Markdown table and charts are drawn from.
/// </summary>
public static class ClassificationReport
{
    /// <summary>The headline metrics, in the order tables show them.</summary>
    public static readonly IReadOnlyList<string> Headline = ["balancedAccuracy", "weightedF1", "macroF1", "accuracy", "kappa"];

    /// <summary>Computes every metric of the run.</summary>
    /// <param name="truth">True class of each sample.</param>
    /// <param name="probabilities">Each sample's class probabilities (a column per class).</param>
    /// <param name="classes">Class names.</param>
    /// <param name="seed">Seeds the bootstrap.</param>
    /// <param name="resamples">Bootstrap resamples (0: no intervals).</param>
    /// <param name="ordered">The classes are ordered grades: report the quadratic-weighted kappa too.</param>
    /// <param name="paths">Each sample's file: the report then holds a row per sample (<see cref="SampleRows"/>).</param>
    public static JsonObject Of(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, IReadOnlyList<string> classes, int seed, int resamples = Bootstrap.DefaultResamples, bool ordered = false, IReadOnlyList<string>? paths = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(classes);
        var predicted = probabilities.Select(ArgMax).ToArray();
        var m = new ConfusionMatrix(truth, predicted, classes.Count);
        var metrics = new (string Name, Func<ConfusionMatrix, double> Of)[]
        {
            ("balancedAccuracy", ClassificationMetrics.BalancedAccuracy),
            ("weightedF1", ClassificationMetrics.WeightedF1),
            ("macroF1", ClassificationMetrics.MacroF1),
            ("accuracy", ClassificationMetrics.Accuracy),
            ("kappa", x => ClassificationMetrics.CohenKappa(x)),
        };
        if (ordered)
        {
            metrics = [.. metrics, ("quadraticKappa", x => ClassificationMetrics.CohenKappa(x, KappaWeights.Quadratic))];
        }

        // One confusion matrix per resample gives every interval: the headline metrics, then each class's
        // precision, recall and F1, all from the same resamples.
        var perClassMetrics = new Func<ConfusionMatrix, int, double>[] { ClassificationMetrics.Precision, ClassificationMetrics.Recall, ClassificationMetrics.F1 };
        double[] All(ConfusionMatrix x) =>
        [
            .. metrics.Select(metric => metric.Of(x)),
            .. Enumerable.Range(0, classes.Count).SelectMany(c => perClassMetrics.Select(of => of(x, c))),
        ];
        var intervals = resamples > 0 && truth.Count > 0
            ? Bootstrap.Intervals(truth.Count, ix => All(new ConfusionMatrix(ix.Select(i => truth[i]).ToArray(), ix.Select(i => predicted[i]).ToArray(), classes.Count)), seed, resamples)
            : null;
        var summary = new JsonObject();
        for (var i = 0; i < metrics.Length; i++)
        {
            var entry = new JsonObject { ["value"] = metrics[i].Of(m) };
            if (intervals is not null)
            {
                entry["ci95"] = new JsonArray(intervals[i].Low, intervals[i].High);
            }

            summary[metrics[i].Name] = entry;
        }

        var auc = RocAuc.Average(truth, probabilities, weighted: false);
        summary["rocAucMacro"] = new JsonObject { ["value"] = double.IsNaN(auc) ? null : auc };
        var perClass = new JsonArray();
        for (var c = 0; c < classes.Count; c++)
        {
            var classAuc = RocAuc.OneVsRest(truth, probabilities.Select(p => p[c]).ToArray(), c);
            var row = new JsonObject
            {
                ["class"] = classes[c],
                ["support"] = m.Support(c),
                ["predicted"] = m.PredictedAs(c),
                ["precision"] = ClassificationMetrics.Precision(m, c),
                ["recall"] = ClassificationMetrics.Recall(m, c),
                ["f1"] = ClassificationMetrics.F1(m, c),
                ["rocAuc"] = double.IsNaN(classAuc) ? null : classAuc,
            };
            if (intervals is not null)
            {
                var at = metrics.Length + (3 * c);
                row["ci95"] = new JsonObject
                {
                    ["precision"] = new JsonArray(intervals[at].Low, intervals[at].High),
                    ["recall"] = new JsonArray(intervals[at + 1].Low, intervals[at + 1].High),
                    ["f1"] = new JsonArray(intervals[at + 2].Low, intervals[at + 2].High),
                };
            }

            perClass.Add(row);
        }

        var report = new JsonObject
        {
            ["samples"] = truth.Count,
            ["classes"] = new JsonArray(classes.Select(c => (JsonNode)c).ToArray()),
            ["metrics"] = summary,
            ["perClass"] = perClass,
            ["confusion"] = new JsonArray(m.ToRows().Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray()),
            ["bootstrap"] = new JsonObject { ["resamples"] = resamples, ["seed"] = seed, ["method"] = "percentile, 95 %" },
        };
        if (paths is not null)
        {
            report["perSample"] = SampleRows.Of(paths, truth, probabilities, classes);
        }

        return report;
    }

    /// <summary>The index of the highest probability (the first on ties).</summary>
    public static int ArgMax(double[] p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var best = 0;
        for (var i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }

        return best;
    }
}

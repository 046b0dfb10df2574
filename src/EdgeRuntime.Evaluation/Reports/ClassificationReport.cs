using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Metrics;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// The metrics of one classification run (a model, a class set, a method, a dataset) with 95 % bootstrap intervals,
/// as a JSON object: what <c>report.json</c> holds per run and what the Markdown table and charts are drawn from.
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
    public static JsonObject Of(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, IReadOnlyList<string> classes, int seed, int resamples = Bootstrap.DefaultResamples, bool ordered = false)
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

        var summary = new JsonObject();
        foreach (var (name, of) in metrics)
        {
            var entry = new JsonObject { ["value"] = of(m) };
            if (resamples > 0)
            {
                var (low, high) = Bootstrap.Interval(truth.Count, ix => of(new ConfusionMatrix(ix.Select(i => truth[i]).ToArray(), ix.Select(i => predicted[i]).ToArray(), classes.Count)), seed, resamples);
                entry["ci95"] = new JsonArray(low, high);
            }

            summary[name] = entry;
        }

        var auc = RocAuc.Average(truth, probabilities, weighted: false);
        summary["rocAucMacro"] = new JsonObject { ["value"] = double.IsNaN(auc) ? null : auc };
        var perClass = new JsonArray();
        for (var c = 0; c < classes.Count; c++)
        {
            var classAuc = RocAuc.OneVsRest(truth, probabilities.Select(p => p[c]).ToArray(), c);
            perClass.Add(new JsonObject
            {
                ["class"] = classes[c],
                ["support"] = m.Support(c),
                ["predicted"] = m.PredictedAs(c),
                ["precision"] = ClassificationMetrics.Precision(m, c),
                ["recall"] = ClassificationMetrics.Recall(m, c),
                ["f1"] = ClassificationMetrics.F1(m, c),
                ["rocAuc"] = double.IsNaN(classAuc) ? null : classAuc,
            });
        }

        return new JsonObject
        {
            ["samples"] = truth.Count,
            ["classes"] = new JsonArray(classes.Select(c => (JsonNode)c).ToArray()),
            ["metrics"] = summary,
            ["perClass"] = perClass,
            ["confusion"] = new JsonArray(m.ToRows().Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray()),
            ["bootstrap"] = new JsonObject { ["resamples"] = resamples, ["seed"] = seed, ["method"] = "percentile, 95 %" },
        };
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

using EdgeRuntime.Evaluation.Metrics;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>
/// Every classification metric against scikit-learn 1.2 (golden/sklearn_metrics.py, run at test time) on fixed random
/// predictions: balanced, imbalanced with a class never predicted, and ordered grades; to 1e-9.
/// </summary>
public sealed class ClassificationMetricsTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<int> Cases => new() { 0, 1, 2 };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Metrics_equal_scikit_learns(int index)
    {
        var golden = ScikitLearnGolden.Get["classification"]![index]!;
        var classes = golden["classes"]!.GetValue<int>();
        var m = new ConfusionMatrix(ScikitLearnGolden.Ints(golden["truth"]), ScikitLearnGolden.Ints(golden["predicted"]), classes);
        var name = golden["name"]!.GetValue<string>();

        Assert.Equal(golden["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray(), m.ToRows());
        Near(golden["accuracy"], ClassificationMetrics.Accuracy(m), name);
        Near(golden["balancedAccuracy"], ClassificationMetrics.BalancedAccuracy(m), name);
        Near(golden["macroF1"], ClassificationMetrics.MacroF1(m), name);
        Near(golden["weightedF1"], ClassificationMetrics.WeightedF1(m), name);
        Near(golden["kappa"], ClassificationMetrics.CohenKappa(m), name);
        Near(golden["kappaLinear"], ClassificationMetrics.CohenKappa(m, KappaWeights.Linear), name);
        Near(golden["kappaQuadratic"], ClassificationMetrics.CohenKappa(m, KappaWeights.Quadratic), name);
        for (var c = 0; c < classes; c++)
        {
            Near(golden["precision"]![c], ClassificationMetrics.Precision(m, c), $"{name}, precision of {c}");
            Near(golden["recall"]![c], ClassificationMetrics.Recall(m, c), $"{name}, recall of {c}");
            Near(golden["f1"]![c], ClassificationMetrics.F1(m, c), $"{name}, F1 of {c}");
        }
    }

    [Fact]
    public void The_case_with_a_class_never_predicted_has_it_at_zero_precision_and_still_in_the_macro_mean()
    {
        var golden = ScikitLearnGolden.Get["classification"]![1]!;
        var m = new ConfusionMatrix(ScikitLearnGolden.Ints(golden["truth"]), ScikitLearnGolden.Ints(golden["predicted"]), 5);
        Assert.Equal(0, m.PredictedAs(3));
        Assert.True(m.Support(3) > 0);
        Assert.Equal(0, ClassificationMetrics.F1(m, 3));
        Assert.Contains(3, ClassificationMetrics.Labels(m));
    }

    [Fact]
    public void Roc_auc_one_vs_rest_with_ties_equals_scikit_learns()
    {
        var golden = ScikitLearnGolden.Get["auc"]!;
        var truth = ScikitLearnGolden.Ints(golden["truth"]);
        var probabilities = golden["probabilities"]!.AsArray().Select(ScikitLearnGolden.Doubles).ToArray();
        for (var c = 0; c < 4; c++)
        {
            Near(golden["perClass"]![c], RocAuc.OneVsRest(truth, probabilities.Select(p => p[c]).ToArray(), c), $"AUC of {c}");
        }

        Near(golden["macro"], RocAuc.Average(truth, probabilities, weighted: false), "macro AUC");
        Near(golden["weighted"], RocAuc.Average(truth, probabilities, weighted: true), "weighted AUC");
    }

    private static void Near(System.Text.Json.Nodes.JsonNode? expected, double actual, string what)
    {
        var e = expected!.GetValue<double>();
        Assert.True(Math.Abs(e - actual) <= Tolerance, $"{what}: scikit-learn {e:R}, ours {actual:R}");
    }
}

using EdgeRuntime.Evaluation.Probes;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>
/// The linear probe's solution against scikit-learn's LogisticRegression(C=0.5) on three Gaussian blobs
/// (golden/sklearn_metrics.py): the objective is strictly convex, so both solvers must reach the same weights.
/// </summary>
public sealed class LinearProbeTests
{
    [Fact]
    public void Weights_intercepts_and_probabilities_equal_scikit_learns()
    {
        var golden = ScikitLearnGolden.Get["probe"]!;
        var features = golden["features"]!.AsArray().Select(r => ScikitLearnGolden.Doubles(r).Select(v => (float)v).ToArray()).ToArray();
        var labels = ScikitLearnGolden.Ints(golden["labels"]);
        var probe = LinearProbe.Fit(features, labels, 3, golden["c"]!.GetValue<double>());

        // scikit-learn stops at a gradient of about 1e-4 (its ftol of 64 machine epsilons): its weights agree to 2e-4.
        // SciPy's L-BFGS-B on the same objective, run to a gradient of about 1e-8, agrees to 1e-6.
        Compare(golden["coef"], golden["intercept"], probe, 2e-4, "scikit-learn");
        Compare(golden["tightCoef"], golden["tightIntercept"], probe, 1e-6, "SciPy, tight");

        var expected = golden["probabilities"]!.AsArray().Select(ScikitLearnGolden.Doubles).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            var p = probe.Probabilities(features[i]);
            for (var k = 0; k < 3; k++)
            {
                Assert.True(Math.Abs(expected[i][k] - p[k]) < 1e-4, $"sample {i}, class {k}: {expected[i][k]} against {p[k]}");
            }
        }
    }

    private static void Compare(System.Text.Json.Nodes.JsonNode? coefNode, System.Text.Json.Nodes.JsonNode? interceptNode, LinearProbe probe, double tolerance, string reference)
    {
        var coef = coefNode!.AsArray().Select(ScikitLearnGolden.Doubles).ToArray();
        // Softmax does not change when every intercept moves by the same amount, and intercepts are not penalised: only
        // their differences are determined, so both sets are compared centred.
        var intercept = Centred(ScikitLearnGolden.Doubles(interceptNode));
        var ours = Centred(probe.Intercepts);
        for (var k = 0; k < 3; k++)
        {
            Assert.True(Math.Abs(intercept[k] - ours[k]) < tolerance, $"{reference}: centred intercept {k} {intercept[k]}, ours {ours[k]}");
            for (var j = 0; j < 5; j++)
            {
                Assert.True(Math.Abs(coef[k][j] - probe.Weights[k, j]) < tolerance, $"{reference}: weight [{k},{j}] {coef[k][j]}, ours {probe.Weights[k, j]}");
            }
        }
    }

    private static double[] Centred(double[] values) => values.Select(v => v - values.Average()).ToArray();
}

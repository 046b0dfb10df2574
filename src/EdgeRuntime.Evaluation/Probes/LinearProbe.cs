using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace EdgeRuntime.Evaluation.Probes;

/// <summary>
/// A linear probe as PLIP and QuiltNet report it: multinomial logistic regression on frozen embeddings, with
/// scikit-learn's objective (<c>LogisticRegression(C=…, penalty='l2')</c>: C times the summed cross-entropy plus half
/// the squared norm of the weights, the intercepts unpenalised), minimised by Math.NET's L-BFGS. The solution is
/// unique (the objective is strictly convex in the weights), so it can be checked against scikit-learn's own.
/// </summary>
public sealed class LinearProbe
{
    private LinearProbe(double[,] weights, double[] intercepts)
    {
        Weights = weights;
        Intercepts = intercepts;
    }

    /// <summary>Weights, a row per class and a column per feature.</summary>
    public double[,] Weights { get; }

    /// <summary>One intercept per class.</summary>
    public double[] Intercepts { get; }

    /// <summary>Number of classes.</summary>
    public int Classes => Intercepts.Length;

    /// <summary>Fits the probe.</summary>
    /// <param name="features">Row per sample.</param>
    /// <param name="labels">Class of each sample, 0 … <paramref name="classes"/> − 1.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="c">Inverse regularisation strength (scikit-learn's <c>C</c>; 1 by default there).</param>
    /// <param name="maxIterations">L-BFGS iterations at most.</param>
    public static LinearProbe Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes, double c = 1.0, int maxIterations = 2000)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count == 0 || features.Count != labels.Count)
        {
            throw new ArgumentException($"{features.Count} samples and {labels.Count} labels: a probe needs as many of each, at least one.", nameof(labels));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        var d = features[0].Length;
        var x = Matrix<double>.Build.Dense(features.Count, d, (i, j) => features[i][j]);
        var y = Matrix<double>.Build.Dense(features.Count, classes, (i, k) => labels[i] == k ? 1 : 0);
        var size = classes * (d + 1);

        // Parameters: the weights row by row (class k's at k·d … k·d + d − 1), then the intercepts.
        (double, Vector<double>) Evaluate(Vector<double> theta)
        {
            var w = Matrix<double>.Build.Dense(classes, d, (k, j) => theta[(k * d) + j]);
            var b = theta.SubVector(classes * d, classes);
            var logits = (x * w.Transpose()).MapIndexed((_, k, v) => v + b[k]);
            double loss = 0;
            var p = Matrix<double>.Build.Dense(features.Count, classes);
            for (var i = 0; i < features.Count; i++)
            {
                var row = logits.Row(i);
                var max = row.Maximum();
                var sum = row.Sum(v => Math.Exp(v - max));
                var logSum = max + Math.Log(sum);
                for (var k = 0; k < classes; k++)
                {
                    p[i, k] = Math.Exp(row[k] - logSum);
                }

                loss += logSum - row[labels[i]];
            }

            var residual = p - y;
            var gradW = (c * residual.Transpose() * x) + w;
            var gradB = residual.ColumnSums() * c;
            var gradient = Vector<double>.Build.Dense(size);
            for (var k = 0; k < classes; k++)
            {
                for (var j = 0; j < d; j++)
                {
                    gradient[(k * d) + j] = gradW[k, j];
                }

                gradient[(classes * d) + k] = gradB[k];
            }

            var penalty = 0.5 * w.Enumerate().Sum(v => v * v);
            return ((c * loss) + penalty, gradient);
        }

        var objective = ObjectiveFunction.Gradient(Evaluate);
        var minimizer = new LimitedMemoryBfgsMinimizer(1e-12, 1e-15, 1e-15, 10, maxIterations);
        var result = minimizer.FindMinimum(objective, Vector<double>.Build.Dense(size));
        var solution = result.MinimizingPoint;
        var weights = new double[classes, d];
        for (var k = 0; k < classes; k++)
        {
            for (var j = 0; j < d; j++)
            {
                weights[k, j] = solution[(k * d) + j];
            }
        }

        return new LinearProbe(weights, solution.SubVector(classes * d, classes).ToArray());
    }

    /// <summary>Class probabilities of one sample (softmax of the linear scores).</summary>
    public double[] Probabilities(ReadOnlySpan<float> feature)
    {
        var scores = new double[Classes];
        for (var k = 0; k < Classes; k++)
        {
            var s = Intercepts[k];
            for (var j = 0; j < feature.Length; j++)
            {
                s += Weights[k, j] * feature[j];
            }

            scores[k] = s;
        }

        var max = scores.Max();
        var sum = 0.0;
        for (var k = 0; k < Classes; k++)
        {
            scores[k] = Math.Exp(scores[k] - max);
            sum += scores[k];
        }

        for (var k = 0; k < Classes; k++)
        {
            scores[k] /= sum;
        }

        return scores;
    }
}

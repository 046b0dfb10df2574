namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>
/// The classification metrics of the field, each exactly as scikit-learn 1.2 computes it with its defaults: the
/// labels are those occurring in the truth or the predictions, and a ratio whose denominator is 0 is 0
/// (<c>zero_division</c>'s default).
/// </summary>
public static class ClassificationMetrics
{
    /// <summary><c>accuracy_score</c>: the share of samples predicted right.</summary>
    public static double Accuracy(ConfusionMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        long right = 0;
        for (var c = 0; c < m.Classes; c++)
        {
            right += m[c, c];
        }

        return m.Samples == 0 ? 0 : (double)right / m.Samples;
    }

    /// <summary><c>precision_score(average=None)</c> for class <paramref name="c"/>: right among those predicted as it.</summary>
    public static double Precision(ConfusionMatrix m, int c)
    {
        ArgumentNullException.ThrowIfNull(m);
        var predicted = m.PredictedAs(c);
        return predicted == 0 ? 0 : (double)m[c, c] / predicted;
    }

    /// <summary><c>recall_score(average=None)</c> for class <paramref name="c"/>: found among those truly of it.</summary>
    public static double Recall(ConfusionMatrix m, int c)
    {
        ArgumentNullException.ThrowIfNull(m);
        var support = m.Support(c);
        return support == 0 ? 0 : (double)m[c, c] / support;
    }

    /// <summary><c>f1_score(average=None)</c> for class <paramref name="c"/>: the harmonic mean of precision and recall.</summary>
    public static double F1(ConfusionMatrix m, int c)
    {
        var p = Precision(m, c);
        var r = Recall(m, c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary><c>f1_score(average='macro')</c>: the unweighted mean over the labels that occur.</summary>
    public static double MacroF1(ConfusionMatrix m) => Labels(m).Select(c => F1(m, c)).DefaultIfEmpty(0).Average();

    /// <summary><c>f1_score(average='weighted')</c>: the mean over the labels weighted by their support.</summary>
    public static double WeightedF1(ConfusionMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        double sum = 0, weights = 0;
        foreach (var c in Labels(m))
        {
            sum += F1(m, c) * m.Support(c);
            weights += m.Support(c);
        }

        return weights == 0 ? 0 : sum / weights;
    }

    /// <summary>
    /// <c>balanced_accuracy_score</c>: the mean recall over the classes present in the truth (a class only predicted
    /// counts for nothing, as scikit-learn drops it with a warning).
    /// </summary>
    public static double BalancedAccuracy(ConfusionMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var present = Enumerable.Range(0, m.Classes).Where(c => m.Support(c) > 0).ToList();
        return present.Count == 0 ? 0 : present.Average(c => Recall(m, c));
    }

    /// <summary>
    /// <c>cohen_kappa_score</c>: agreement beyond chance, 1 − Σ w·observed / Σ w·expected over the labels that occur,
    /// with weights 1 off the diagonal (<see cref="KappaWeights.None"/>), |i − j| (linear) or (i − j)² (quadratic,
    /// for ordered classes such as Gleason grades), i and j being positions among those labels.
    /// </summary>
    public static double CohenKappa(ConfusionMatrix m, KappaWeights weights = KappaWeights.None)
    {
        ArgumentNullException.ThrowIfNull(m);
        var labels = Labels(m).ToArray();
        var n = (double)m.Samples;
        if (n == 0)
        {
            return 0;
        }

        double observed = 0, expected = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            for (var j = 0; j < labels.Length; j++)
            {
                var w = weights switch
                {
                    KappaWeights.Linear => Math.Abs(i - j),
                    KappaWeights.Quadratic => (double)(i - j) * (i - j),
                    _ => i == j ? 0 : 1,
                };
                observed += w * m[labels[i], labels[j]];
                expected += w * m.Support(labels[i]) * (double)m.PredictedAs(labels[j]) / n;
            }
        }

        return expected == 0 ? 0 : 1 - (observed / expected);
    }

    /// <summary>The labels scikit-learn averages over by default: those in the truth or the predictions, in order.</summary>
    public static IEnumerable<int> Labels(ConfusionMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return Enumerable.Range(0, m.Classes).Where(m.Occurs);
    }
}

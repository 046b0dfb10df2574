namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>
/// Area under the ROC curve, one class against the rest, as scikit-learn's <c>roc_auc_score(multi_class='ovr')</c>:
/// each class's AUC is the Mann–Whitney statistic (the chance that a sample of the class scores above one that is
/// not, ties counting half), which equals the trapezoidal area scikit-learn integrates.
/// </summary>
public static class RocAuc
{
    /// <summary>The AUC of one class: its samples are the positives, the rest negatives.</summary>
    /// <param name="truth">True class of each sample.</param>
    /// <param name="scores">Each sample's score for <paramref name="positive"/>.</param>
    /// <param name="positive">The class.</param>
    /// <returns>The AUC, or NaN when the class has no sample or every sample is of it (undefined).</returns>
    public static double OneVsRest(IReadOnlyList<int> truth, IReadOnlyList<double> scores, int positive)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(scores);
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positives = 0, rankSum = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1; // ties share their mean rank
            for (var k = start; k <= end; k++)
            {
                if (truth[order[k]] == positive)
                {
                    positives++;
                    rankSum += rank;
                }
            }

            start = end + 1;
        }

        var negatives = order.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    /// <summary>
    /// The mean over classes of their one-vs-rest AUC: unweighted (<c>average='macro'</c>) or weighted by support
    /// (<c>'weighted'</c>). Classes without a sample are left out (scikit-learn refuses them).
    /// </summary>
    /// <param name="truth">True class of each sample.</param>
    /// <param name="probabilities">Row per sample, a column per class.</param>
    /// <param name="weighted">Weight each class by its support.</param>
    public static double Average(IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, bool weighted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(probabilities);
        var classes = probabilities.Count == 0 ? 0 : probabilities[0].Length;
        double sum = 0, weights = 0;
        for (var c = 0; c < classes; c++)
        {
            var column = probabilities.Select(p => p[c]).ToArray();
            var auc = OneVsRest(truth, column, c);
            if (double.IsNaN(auc))
            {
                continue;
            }

            var w = weighted ? truth.Count(t => t == c) : 1;
            sum += w * auc;
            weights += w;
        }

        return weights == 0 ? double.NaN : sum / weights;
    }
}

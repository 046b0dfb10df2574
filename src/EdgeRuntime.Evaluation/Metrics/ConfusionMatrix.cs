namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>
/// Counts of (true class, predicted class) over classes <c>0 … Count - 1</c>: rows are the truth, columns the
/// prediction, as scikit-learn's <c>confusion_matrix</c>.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] counts;

    /// <summary>Counts <paramref name="truth"/> against <paramref name="predicted"/>.</summary>
    /// <param name="truth">True class of each sample.</param>
    /// <param name="predicted">Predicted class of each sample.</param>
    /// <param name="classes">Number of classes; every label must be below it.</param>
    public ConfusionMatrix(IReadOnlyList<int> truth, IReadOnlyList<int> predicted, int classes)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.", nameof(predicted));
        }

        counts = new long[classes, classes];
        for (var i = 0; i < truth.Count; i++)
        {
            if ((uint)truth[i] >= (uint)classes || (uint)predicted[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(truth), $"sample {i}: label ({truth[i]}, {predicted[i]}) outside 0 … {classes - 1}.");
            }

            counts[truth[i], predicted[i]]++;
        }

        Classes = classes;
        Samples = truth.Count;
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Number of samples.</summary>
    public long Samples { get; }

    /// <summary>Samples of true class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => counts[truth, predicted];

    /// <summary>Samples whose true class is <paramref name="c"/> (its support).</summary>
    public long Support(int c)
    {
        long sum = 0;
        for (var p = 0; p < Classes; p++)
        {
            sum += counts[c, p];
        }

        return sum;
    }

    /// <summary>Samples predicted as <paramref name="c"/>.</summary>
    public long PredictedAs(int c)
    {
        long sum = 0;
        for (var t = 0; t < Classes; t++)
        {
            sum += counts[t, c];
        }

        return sum;
    }

    /// <summary>Whether class <paramref name="c"/> occurs in the truth or the predictions (scikit-learn's default label set).</summary>
    public bool Occurs(int c) => Support(c) > 0 || PredictedAs(c) > 0;

    /// <summary>The matrix as rows of counts.</summary>
    public long[][] ToRows() => Enumerable.Range(0, Classes).Select(t => Enumerable.Range(0, Classes).Select(p => counts[t, p]).ToArray()).ToArray();
}

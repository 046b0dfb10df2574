namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>Per-class Dice, precision and recall of a predicted label map against a true one, summed over images.</summary>
public sealed class SegmentationMetrics
{
    private readonly long[] both;
    private readonly long[] predicted;
    private readonly long[] truth;

    /// <summary>Starts empty for <paramref name="classes"/> classes.</summary>
    public SegmentationMetrics(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        both = new long[classes];
        predicted = new long[classes];
        truth = new long[classes];
    }

    /// <summary>Number of classes.</summary>
    public int Classes => both.Length;

    /// <summary>Adds one image's pixels; a label outside 0 … Classes − 1 (such as "ignore") is skipped.</summary>
    public void Add(ReadOnlySpan<int> trueLabels, ReadOnlySpan<int> predictedLabels)
    {
        if (trueLabels.Length != predictedLabels.Length)
        {
            throw new ArgumentException($"{trueLabels.Length} true pixels but {predictedLabels.Length} predicted.", nameof(predictedLabels));
        }

        for (var i = 0; i < trueLabels.Length; i++)
        {
            int t = trueLabels[i], p = predictedLabels[i];
            if ((uint)t >= (uint)Classes)
            {
                continue;
            }

            truth[t]++;
            if ((uint)p < (uint)Classes)
            {
                predicted[p]++;
                if (p == t)
                {
                    both[t]++;
                }
            }
        }
    }

    /// <summary>2 |A ∩ B| / (|A| + |B|) of class <paramref name="c"/>; NaN when it is in neither map (undefined, not perfect).</summary>
    public double Dice(int c) => truth[c] + predicted[c] == 0 ? double.NaN : 2.0 * both[c] / (truth[c] + predicted[c]);

    /// <summary>Pixels rightly called <paramref name="c"/> among those called it (0 when none is).</summary>
    public double Precision(int c) => predicted[c] == 0 ? 0 : (double)both[c] / predicted[c];

    /// <summary>Pixels of <paramref name="c"/> found (0 when the truth has none).</summary>
    public double Recall(int c) => truth[c] == 0 ? 0 : (double)both[c] / truth[c];

    /// <summary>Pixels of <paramref name="c"/> in the truth.</summary>
    public long Support(int c) => truth[c];

    /// <summary>The mean Dice over the classes where it is defined.</summary>
    public double MeanDice() => Enumerable.Range(0, Classes).Select(Dice).Where(d => !double.IsNaN(d)).DefaultIfEmpty(double.NaN).Average();
}

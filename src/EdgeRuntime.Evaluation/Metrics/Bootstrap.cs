namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>
/// Percentile bootstrap confidence intervals: the metric on samples drawn with replacement, seeded so that a report
/// can be reproduced exactly.
/// </summary>
public static class Bootstrap
{
    /// <summary>The default number of resamples.</summary>
    public const int DefaultResamples = 1000;

    /// <summary>
    /// The (1 − <paramref name="alpha"/>) interval of <paramref name="metric"/> over <paramref name="samples"/>
    /// samples: its <c>alpha/2</c> and <c>1 − alpha/2</c> percentiles (linear interpolation, numpy's default) over
    /// <paramref name="resamples"/> resamples.
    /// </summary>
    /// <param name="samples">How many samples there are.</param>
    /// <param name="metric">The metric of the samples at the given indices.</param>
    /// <param name="seed">Seeds the resampling.</param>
    /// <param name="resamples">Number of resamples.</param>
    /// <param name="alpha">1 − the interval's confidence (0.05: 95 %).</param>
    public static (double Low, double High) Interval(int samples, Func<int[], double> metric, int seed, int resamples = DefaultResamples, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Intervals(samples, ix => [metric(ix)], seed, resamples, alpha)[0];
    }

    /// <summary>
    /// The intervals of several metrics from the same resamples (the ones <see cref="Interval"/> draws for the same
    /// seed): what one resample costs to compute (a confusion matrix) is computed once for all of them.
    /// </summary>
    /// <param name="samples">How many samples there are.</param>
    /// <param name="metrics">Every metric of the samples at the given indices, always in the same order.</param>
    /// <param name="seed">Seeds the resampling.</param>
    /// <param name="resamples">Number of resamples.</param>
    /// <param name="alpha">1 − the interval's confidence (0.05: 95 %).</param>
    public static (double Low, double High)[] Intervals(int samples, Func<int[], double[]> metrics, int seed, int resamples = DefaultResamples, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 2);
        var random = new Random(seed);
        double[][]? values = null;
        var indices = new int[samples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < samples; i++)
            {
                indices[i] = random.Next(samples);
            }

            var computed = metrics(indices);
            values ??= computed.Select(_ => new double[resamples]).ToArray();
            for (var m = 0; m < computed.Length; m++)
            {
                values[m][r] = computed[m];
            }
        }

        return values!.Select(v =>
        {
            Array.Sort(v);
            return (Percentile(v, alpha / 2), Percentile(v, 1 - (alpha / 2)));
        }).ToArray();
    }

    /// <summary>The index sets <see cref="Intervals"/> draws for <paramref name="seed"/>, for checking a metric's interval elsewhere.</summary>
    public static IEnumerable<int[]> Resamples(int samples, int seed, int resamples = DefaultResamples)
    {
        var random = new Random(seed);
        for (var r = 0; r < resamples; r++)
        {
            var indices = new int[samples];
            for (var i = 0; i < samples; i++)
            {
                indices[i] = random.Next(samples);
            }

            yield return indices;
        }
    }

    /// <summary>The <paramref name="q"/> quantile of sorted <paramref name="sorted"/>, interpolated linearly.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}

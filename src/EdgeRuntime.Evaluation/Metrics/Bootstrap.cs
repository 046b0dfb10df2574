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
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 2);
        var random = new Random(seed);
        var values = new double[resamples];
        var indices = new int[samples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < samples; i++)
            {
                indices[i] = random.Next(samples);
            }

            values[r] = metric(indices);
        }

        Array.Sort(values);
        return (Percentile(values, alpha / 2), Percentile(values, 1 - (alpha / 2)));
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

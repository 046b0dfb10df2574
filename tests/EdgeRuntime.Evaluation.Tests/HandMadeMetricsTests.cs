using EdgeRuntime.Evaluation.Metrics;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>Recall@K, Dice and the bootstrap on cases small enough to work out by hand (the working is in each test).</summary>
public sealed class HandMadeMetricsTests
{
    [Fact]
    public void Recall_at_k_counts_the_queries_with_a_relevant_item_in_their_k_best()
    {
        // Query i's relevant candidate is i. Query 0 ranks it 1st, query 1 ranks it 2nd, query 2 ranks it 3rd (last).
        double[][] scores =
        [
            [0.9, 0.1, 0.0],
            [0.8, 0.7, 0.1],
            [0.5, 0.4, 0.3],
        ];
        bool Relevant(int q, int c) => q == c;
        Assert.Equal(1 / 3.0, RecallAtK.Of(scores, Relevant, 1), 12);
        Assert.Equal(2 / 3.0, RecallAtK.Of(scores, Relevant, 2), 12);
        Assert.Equal(1.0, RecallAtK.Of(scores, Relevant, 3), 12);
    }

    [Fact]
    public void Dice_precision_and_recall_of_a_small_label_map()
    {
        // Truth: 0 0 1 1 / 1 1 2 2; prediction: 0 1 1 1 / 1 2 2 2; label 9 (ignore) in the truth is skipped.
        var metrics = new SegmentationMetrics(3);
        metrics.Add([0, 0, 1, 1, 1, 1, 2, 2, 9], [0, 1, 1, 1, 1, 2, 2, 2, 0]);
        // Class 0: truth 2, predicted 1, both 1 → Dice 2·1/3; class 1: truth 4, predicted 4, both 3 → 6/8;
        // class 2: truth 2, predicted 3, both 2 → 4/5.
        Assert.Equal(2 / 3.0, metrics.Dice(0), 12);
        Assert.Equal(0.75, metrics.Dice(1), 12);
        Assert.Equal(0.8, metrics.Dice(2), 12);
        Assert.Equal(2 / 3.0, metrics.Precision(2), 12);
        Assert.Equal(0.5, metrics.Recall(0), 12);
        Assert.Equal(((2 / 3.0) + 0.75 + 0.8) / 3, metrics.MeanDice(), 12);

        // A class in neither map has no Dice (not a perfect one), and the mean leaves it out.
        var empty = new SegmentationMetrics(2);
        empty.Add([0, 0], [0, 0]);
        Assert.True(double.IsNaN(empty.Dice(1)));
        Assert.Equal(1.0, empty.MeanDice(), 12);
    }

    [Fact]
    public void The_bootstrap_interval_contains_the_estimate_and_narrows_with_more_samples()
    {
        var random = new Random(7);
        (double Estimate, double Low, double High) Run(int n)
        {
            // A classifier right 80 % of the time.
            var right = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.8 ? 1.0 : 0.0).ToArray();
            var (low, high) = Bootstrap.Interval(n, ix => ix.Average(i => right[i]), seed: 1);
            return (right.Average(), low, high);
        }

        var small = Run(50);
        var large = Run(2000);
        Assert.InRange(small.Estimate, small.Low, small.High);
        Assert.InRange(large.Estimate, large.Low, large.High);
        // The width shrinks as 1/√n: 2000 samples give an interval about √40 ≈ 6 times narrower than 50.
        Assert.True(large.High - large.Low < (small.High - small.Low) / 3, $"{large.High - large.Low} against {small.High - small.Low}");
        // The same seed gives the same interval.
        var values = Enumerable.Range(0, 30).Select(i => (double)(i % 3)).ToArray();
        Assert.Equal(Bootstrap.Interval(30, ix => ix.Average(i => values[i]), 5), Bootstrap.Interval(30, ix => ix.Average(i => values[i]), 5));
    }

    [Fact]
    public void Percentiles_interpolate_as_numpy_does()
    {
        // numpy.percentile([1, 2, 3, 4], 25) = 1.75 (position 0.75 between 1 and 2).
        Assert.Equal(1.75, Bootstrap.Percentile([1.0, 2, 3, 4], 0.25), 12);
        Assert.Equal(4.0, Bootstrap.Percentile([1.0, 2, 3, 4], 1.0), 12);
    }
}

using EdgeRuntime.Evaluation.Datasets;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

// Few-shot and linear-probe evals split and sample here (they were in the CLI's eval command).
public sealed class TrainTestSplitTests
{
    [Fact]
    public void A_dataset_with_splits_tests_the_named_split_and_trains_on_the_rest()
    {
        var all = new List<(LabelledImage, int)>
        {
            (new("a.png", "tumour", "train"), 0),
            (new("b.png", "tumour", "val"), 0),
            (new("c.png", "stroma", "TEST"), 1),
            (new("d.png", "tumour", "test"), 0),
        };

        var (train, test) = TrainTestSplit.Of(all, testSplit: null, seed: 7, trainPerClass: 1);

        Assert.Equal([(0, 0), (1, 0)], train);
        Assert.Equal([(2, 1), (3, 0)], test);
        var (valTrain, valTest) = TrainTestSplit.Of(all, testSplit: "val", seed: 7, trainPerClass: 1);
        Assert.Equal([1], valTest.Select(t => t.Index));
        Assert.Equal(3, valTrain.Count);
    }

    [Fact]
    public void Without_splits_each_class_keeps_half_or_the_shots_for_training_and_the_split_is_seeded()
    {
        // Class 0 has 6 images, class 1 has 4: with 1 shot, half of each trains (3 and 2); with 3 shots, 3 and 3.
        var all = Enumerable.Range(0, 10).Select(i => (new LabelledImage($"{i}.png", i < 6 ? "a" : "b", null), i < 6 ? 0 : 1)).ToList();

        var (train, test) = TrainTestSplit.Of(all, null, seed: 1, trainPerClass: 1);
        Assert.Equal((3, 2), (train.Count(t => t.Label == 0), train.Count(t => t.Label == 1)));
        Assert.Equal((3, 2), (test.Count(t => t.Label == 0), test.Count(t => t.Label == 1)));
        Assert.Empty(train.Select(t => t.Index).Intersect(test.Select(t => t.Index)));

        var (moreShots, _) = TrainTestSplit.Of(all, null, seed: 1, trainPerClass: 3);
        Assert.Equal((3, 3), (moreShots.Count(t => t.Label == 0), moreShots.Count(t => t.Label == 1)));

        Assert.Equal(train, TrainTestSplit.Of(all, null, seed: 1, trainPerClass: 1).Train);
    }

    [Fact]
    public void Draws_are_k_distinct_candidates_repeatable_by_seed_and_apart_across_seeds()
    {
        var candidates = Enumerable.Range(100, 50).ToList();

        var first = FewShotDraw.Draw(candidates, 5, seed: 3);

        Assert.Equal(5, first.Distinct().Count());
        Assert.All(first, i => Assert.Contains(i, candidates));
        Assert.Equal(first, FewShotDraw.Draw(candidates, 5, seed: 3));
        Assert.NotEqual(first, FewShotDraw.Draw(candidates, 5, seed: 4));
        Assert.Equal(2, FewShotDraw.Draw([1, 2], 5, seed: 3).Count);
    }
}

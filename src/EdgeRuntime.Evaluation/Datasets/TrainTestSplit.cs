namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// The training and test images of a supervised eval (few-shot, linear probe): the dataset's own splits when it
/// has them, else a seeded stratified split, so the same seed gives the same split on every machine.
/// </summary>
public static class TrainTestSplit
{
    /// <summary>
    /// Splits <paramref name="all"/> (every image of the dataset, with its class index). With splits, the images of
    /// <paramref name="testSplit"/> (default <c>test</c>) are tested and the rest trained on; without, each class
    /// keeps <paramref name="trainPerClass"/> or half of its images (whichever is more) for training, shuffled by
    /// <paramref name="seed"/>.
    /// </summary>
    public static (List<(int Index, int Label)> Train, List<(int Index, int Label)> Test) Of(IReadOnlyList<(LabelledImage Image, int Label)> all, string? testSplit, int seed, int trainPerClass)
    {
        ArgumentNullException.ThrowIfNull(all);
        if (all.Any(a => a.Image.Split is not null))
        {
            var test = testSplit ?? "test";
            var indexed = all.Select((a, i) => (a, i)).ToList();
            var train = indexed.Where(x => !string.Equals(x.a.Image.Split, test, StringComparison.OrdinalIgnoreCase)).Select(x => (x.i, x.a.Label)).ToList();
            var tested = indexed.Where(x => string.Equals(x.a.Image.Split, test, StringComparison.OrdinalIgnoreCase)).Select(x => (x.i, x.a.Label)).ToList();
            return (train, tested);
        }

        var trainSet = new List<(int, int)>();
        var testSet = new List<(int, int)>();
        foreach (var group in all.Select((a, i) => (i, a.Label)).GroupBy(x => x.Label))
        {
            var members = group.ToArray();
            new Random(seed).Shuffle(members);
            var keep = Math.Max(trainPerClass, members.Length / 2);
            trainSet.AddRange(members.Take(keep));
            testSet.AddRange(members.Skip(keep));
        }

        return (trainSet, testSet);
    }
}

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>The K labelled examples of one class that a few-shot repeat uses, drawn from its training images.</summary>
public static class FewShotDraw
{
    /// <summary>
    /// <paramref name="k"/> of <paramref name="candidates"/> shuffled by <paramref name="seed"/> (fewer when there are
    /// fewer; the caller says which class falls short). Each repeat passes its own seed, so repeats draw apart.
    /// </summary>
    public static List<int> Draw(IReadOnlyList<int> candidates, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var shuffled = candidates.ToArray();
        new Random(seed).Shuffle(shuffled);
        return shuffled.Take(k).ToList();
    }
}

namespace EdgeRuntime.Evaluation.Metrics;

/// <summary>
/// Recall@K as retrieval papers report it (PLIP, QuiltNet, CONCH): the share of queries with at least one relevant
/// item among their K best-scored candidates.
/// </summary>
public static class RecallAtK
{
    /// <summary>Recall@<paramref name="k"/> over a score matrix.</summary>
    /// <param name="scores">Row per query, a column per candidate (higher is closer).</param>
    /// <param name="relevant">Whether candidate j is relevant to query i.</param>
    /// <param name="k">How many best candidates count.</param>
    public static double Of(IReadOnlyList<double[]> scores, Func<int, int, bool> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (scores.Count == 0)
        {
            return 0;
        }

        var hits = 0;
        for (var q = 0; q < scores.Count; q++)
        {
            var row = scores[q];
            // Ties broken by candidate order, so that the figure does not depend on the sort's stability.
            var best = Enumerable.Range(0, row.Length).OrderByDescending(j => row[j]).ThenBy(j => j).Take(k);
            hits += best.Any(j => relevant(q, j)) ? 1 : 0;
        }

        return (double)hits / scores.Count;
    }
}

namespace EdgeRuntime.Cli.Configuration;

/// <summary>"Did you mean": the valid name nearest a misspelt one, by edit distance, ignoring case as configuration does.</summary>
internal static class NearestName
{
    /// <summary>The nearest of <paramref name="valid"/>, or null when none is close enough to be a likely slip.</summary>
    public static string? Of(string name, IEnumerable<string> valid)
    {
        var best = valid.Select(v => (Name: v, Distance: Distance(name.ToUpperInvariant(), v.ToUpperInvariant())))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();

        // Half the name's letters (at least two) may be wrong: "Mqt", "Tilng", "TileSzie", "family" (for families) are
        // found; "Colour" is not taken for "Tiling".
        return best.Name is not null && best.Distance <= Math.Max(2, (name.Length + 1) / 2) ? best.Name : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

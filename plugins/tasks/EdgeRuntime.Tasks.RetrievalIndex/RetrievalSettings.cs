using System.Globalization;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>
/// The task's settings (<c>EdgeRuntime:Processing:TaskSettings:retrieval-index</c>), validated when the plugin
/// loads, each error naming its key.
/// </summary>
internal sealed record RetrievalSettings
{
    public const string Section = "EdgeRuntime:Processing:TaskSettings:retrieval-index";

    /// <summary>Tiles of one model from which the HNSW graph answers instead of an exact scan (default 200,000).</summary>
    public long ApproximateAbove { get; init; } = 200_000;

    /// <summary>HNSW edges per node (USearch's connectivity, default 16).</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>Candidates kept while inserting (USearch's expansion_add, default 128).</summary>
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>
    /// Candidates kept while searching (USearch's expansion_search, default 256): higher is slower and finds more of
    /// the true top. 256 is where bench/EdgeRuntime.Bench.Retrieval measured recall@10 at or above 0.95 on random
    /// vectors (64 gave 0.86 on 5,000 of 64 dimensions).
    /// </summary>
    public int ExpansionSearch { get; init; } = 256;

    /// <summary>Hits answered when a query does not say (default 10).</summary>
    public int DefaultTop { get; init; } = 10;

    /// <summary>The most hits a query may ask for (default 1,000).</summary>
    public int MaxTop { get; init; } = 1000;

    public static RetrievalSettings From(IReadOnlyDictionary<string, string> values)
    {
        var problems = new List<string>();
        var known = new[] { nameof(ApproximateAbove), nameof(Connectivity), nameof(ExpansionAdd), nameof(ExpansionSearch), nameof(DefaultTop), nameof(MaxTop) };
        foreach (var key in values.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            problems.Add($"{Section}:{key} is not a setting of this task (it has {string.Join(", ", known)}).");
        }

        long Number(string key, long fallback, long min)
        {
            if (!values.TryGetValue(key, out var text))
            {
                return fallback;
            }

            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min)
            {
                return v;
            }

            problems.Add($"{Section}:{key} must be a whole number of at least {min} (is '{text}').");
            return fallback;
        }

        var defaults = new RetrievalSettings();
        var settings = new RetrievalSettings
        {
            ApproximateAbove = Number(nameof(ApproximateAbove), defaults.ApproximateAbove, 1),
            Connectivity = (int)Number(nameof(Connectivity), defaults.Connectivity, 2),
            ExpansionAdd = (int)Number(nameof(ExpansionAdd), defaults.ExpansionAdd, 1),
            ExpansionSearch = (int)Number(nameof(ExpansionSearch), defaults.ExpansionSearch, 1),
            DefaultTop = (int)Number(nameof(DefaultTop), defaults.DefaultTop, 1),
            MaxTop = (int)Number(nameof(MaxTop), defaults.MaxTop, 1),
        };
        return problems.Count == 0 ? settings : throw new ArgumentException(string.Join(" ", problems));
    }
}

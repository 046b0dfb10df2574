namespace EdgeRuntime.Inference.Packages;

/// <summary>The terms a model's weights come with, as its publisher states them (format 2).</summary>
public sealed record ModelTerms
{
    /// <summary>The weights are behind an access agreement.</summary>
    public bool? Gated { get; init; }

    /// <summary>Whether commercial use is allowed.</summary>
    public bool? CommercialUse { get; init; }

    /// <summary>The terms in a sentence or two, for people.</summary>
    public string? Text { get; init; }

    /// <summary>One line for listings: "gated, non-commercial: …".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Gated == true)
        {
            parts.Add("gated");
        }

        if (CommercialUse is { } commercial)
        {
            parts.Add(commercial ? "commercial use allowed" : "non-commercial");
        }

        var head = string.Join(", ", parts);
        return string.IsNullOrWhiteSpace(Text) ? head : head.Length == 0 ? Text : $"{head}: {Text}";
    }
}

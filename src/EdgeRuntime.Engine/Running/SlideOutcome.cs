using System.Globalization;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Tissue;

namespace EdgeRuntime.Engine.Running;

/// <summary>
/// What a slide is, before any task sees it: tissue to analyse (<c>ok</c>), or a slide that has nothing the tasks can
/// speak about, for which no task runs, so that it gets no tags, classes or areas. A blank slide's tags would be the
/// softmax of nothing (every class equal); an LIS would read its first class as a finding.
/// </summary>
/// <param name="Status"><see cref="Ok"/>, <see cref="NoTissue"/> or <see cref="NotBrightfield"/>.</param>
/// <param name="Reason">Why it is not <c>ok</c>, in words; null when it is.</param>
/// <param name="Stain">The brightfield check; null for a plain image taken whole (a patch, not a slide).</param>
public sealed record SlideOutcome(string Status, string? Reason, SlideStain? Stain)
{
    /// <summary>Tissue found and analysed.</summary>
    public const string Ok = "ok";

    /// <summary>No tissue, or too little (<c>EdgeRuntime:Tissue:MinSlideTiles</c>).</summary>
    public const string NoTissue = "no-tissue";

    /// <summary>A fluorescence (dark-field) scan, skipped (<c>EdgeRuntime:Tissue:NonBrightfield</c> skip).</summary>
    public const string NotBrightfield = "not-brightfield";

    /// <summary>The tissue tiles a slide needed (<c>EdgeRuntime:Tissue:MinSlideTiles</c>).</summary>
    public int MinSlideTiles { get; init; } = 1;

    /// <summary>Whether the tasks run.</summary>
    public bool RunsTasks => Status == Ok;

    /// <summary>The outcome of <paramref name="plan"/> under <paramref name="tissue"/>.</summary>
    public static SlideOutcome Of(TilingPlan plan, SlideStain? stain, TissueDetectionOptions tissue)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(tissue);
        return Decide(plan, stain, tissue) with { MinSlideTiles = tissue.MinSlideTiles };
    }

    private static SlideOutcome Decide(TilingPlan plan, SlideStain? stain, TissueDetectionOptions tissue)
    {
        if (stain is { Brightfield: false } && tissue.NonBrightfield == TissueDetectionOptions.NonBrightfieldSkip)
        {
            return new SlideOutcome(NotBrightfield, $"not a brightfield slide: {string.Join("; ", stain.Evidence)}. Skipped (EdgeRuntime:Tissue:NonBrightfield is skip; flag runs the tasks and marks the result).", stain);
        }

        var kept = plan.Grid.Tiles.Count;
        if (kept < tissue.MinSlideTiles)
        {
            var inv = CultureInfo.InvariantCulture;
            return new SlideOutcome(NoTissue, string.Create(inv, $"no tissue to analyse: tissue covers {plan.Mask.TissueFraction:P2} of the slide and {kept} tile(s) have at least {plan.Grid.MinTissueFraction:P0} tissue; {tissue.MinSlideTiles} needed (EdgeRuntime:Tissue:MinSlideTiles)."), stain);
        }

        return new SlideOutcome(Ok, null, stain);
    }
}

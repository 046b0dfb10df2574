using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;

namespace EdgeRuntime.Tiling;

/// <summary>The first stage after opening a slide: find the tissue, then lay the tile grid over it.</summary>
public sealed class SlideTiler(ITissueDetector detector, TileGridBuilder gridBuilder)
{
    /// <summary>Plans the tiles of <paramref name="slide"/>.</summary>
    public TilingPlan Plan(ISlide slide)
    {
        ArgumentNullException.ThrowIfNull(slide);
        var mask = detector.Detect(slide);
        return new TilingPlan(mask, gridBuilder.Build(slide.Info, mask));
    }
}

/// <summary>A slide's tissue mask and the tiles kept from it.</summary>
/// <param name="Mask">Where the tissue is.</param>
/// <param name="Grid">The tiles at the model's resolution.</param>
public sealed record TilingPlan(TissueMask Mask, TileGrid Grid);

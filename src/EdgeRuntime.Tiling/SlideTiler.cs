using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;

namespace EdgeRuntime.Tiling;

/// <summary>
/// The first stage after opening a slide: find the tissue, then lay the tile grid over it. The rule for plain
/// images is here and nowhere else: a small one (<see cref="TilingOptions.WholeImageMaxSide"/>) is one tile, the
/// whole image (encoded through the model's own transform, once); anything else is tiled after tissue detection. Every command and the service plan through it.
/// </summary>
public sealed class SlideTiler
{
    private readonly ITissueDetector detector;
    private readonly TileGridBuilder gridBuilder;
    private readonly TilingOptions tiling;

    /// <summary>A tiler with the detector <paramref name="tissue"/> names and the grid of <paramref name="tiling"/>.</summary>
    /// <exception cref="ArgumentException">Either options are invalid; the message names the key.</exception>
    public SlideTiler(TissueDetectionOptions tissue, TilingOptions tiling)
    {
        ArgumentNullException.ThrowIfNull(tiling);
        detector = TissueDetectors.Create(tissue);
        gridBuilder = new TileGridBuilder(tiling);
        this.tiling = tiling;
    }

    /// <summary>The detector in use.</summary>
    public string DetectorName => detector.Name;

    /// <summary>Whether <paramref name="slide"/> is a plain image small enough to be one tile.</summary>
    public bool IsWholeImage(SlideInfo slide)
    {
        ArgumentNullException.ThrowIfNull(slide);
        return slide.Levels.Count == 1 && !slide.Reader.StartsWith("OpenSlide", StringComparison.Ordinal)
            && Math.Max(slide.Width, slide.Height) <= tiling.WholeImageMaxSide;
    }

    /// <summary>Plans the tiles of <paramref name="slide"/>.</summary>
    public TilingPlan Plan(ISlide slide)
    {
        ArgumentNullException.ThrowIfNull(slide);
        if (IsWholeImage(slide.Info))
        {
            return WholeImage(slide.Info);
        }

        var mask = detector.Detect(slide);
        return new TilingPlan(mask, gridBuilder.Build(slide.Info, mask), WholeImage: false);
    }

    // The centred square, as the model's own resize-and-centre-crop sees the image (where the tile is, for tables and
    // overlays); the pipeline encodes the whole file through the model's own transform, not this box at the tile
    // size. Its µm/px is whatever the image's is after scaling that square to the tile size.
    private TilingPlan WholeImage(SlideInfo info)
    {
        var side = Math.Min(info.Width, info.Height);
        var box = new TileBox((info.Width - side) / 2, (info.Height - side) / 2, side, side);
        var options = new TilingOptions
        {
            TargetMicronsPerPixel = info.Resolution.MicronsPerPixel * side / tiling.TileSize,
            TileSize = tiling.TileSize,
            Overlap = 0,
            MinTissueFraction = 0,
            IncludeEdgeTiles = false,
            WholeImageMaxSide = tiling.WholeImageMaxSide,
        };
        var grid = new TileGrid(1, 1, side, side, options, [new TileRef(0, 0, 0, box, 1.0)]);
        return new TilingPlan(WholeSlideTissue.All(info.Width, info.Height), grid, WholeImage: true);
    }
}

/// <summary>A slide's tissue mask and the tiles kept from it.</summary>
/// <param name="Mask">Where the tissue is.</param>
/// <param name="Grid">The tiles at the model's resolution.</param>
/// <param name="WholeImage">The input was a small plain image, taken whole as one tile.</param>
public sealed record TilingPlan(TissueMask Mask, TileGrid Grid, bool WholeImage);

using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Foundation;
using EdgeRuntime.Slides;
using EdgeRuntime.Tiling.Tissue;

namespace EdgeRuntime.Tiling.Grid;

/// <summary>
/// Lays a grid of tiles over a slide at the target resolution and keeps those with enough tissue.
/// Pure arithmetic on the slide's size, resolution and mask: the same inputs give the same tiles in the same order.
/// </summary>
/// <remarks>
/// The last column and row, where the slide is not a whole number of strides, are shifted inward to end at the
/// slide's edge (as TRIDENT's and torchvision's sliding windows do), so they overlap their neighbours rather than
/// run past the slide: a tile padded with white would be scored on the padding, not on the tissue at the edge. Only
/// a slide narrower (or lower) than one tile still gets a tile that runs past its edge: there is nothing to shift.
/// </remarks>
internal sealed class TileGridBuilder
{
    private readonly TilingOptions options;

    /// <summary>Creates a builder with validated options.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public TileGridBuilder(TilingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));

        this.options = options;
    }

    /// <summary>Builds the grid of <paramref name="slide"/> against its <paramref name="mask"/>.</summary>
    public TileGrid Build(SlideInfo slide, TissueMask mask)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(mask);
        var scaleX = options.TargetMicronsPerPixel / slide.Resolution.MicronsPerPixelX;
        var scaleY = options.TargetMicronsPerPixel / slide.Resolution.MicronsPerPixelY;
        var tileWidth = options.TileSize * scaleX;
        var tileHeight = options.TileSize * scaleY;
        var strideX = (options.TileSize - options.Overlap) * scaleX;
        var strideY = (options.TileSize - options.Overlap) * scaleY;
        var columns = Count(slide.Width, tileWidth, strideX);
        var rows = Count(slide.Height, tileHeight, strideY);
        var boxWidth = (long)Math.Round(tileWidth);
        var boxHeight = (long)Math.Round(tileHeight);

        var tiles = new List<TileRef>();
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                var box = new TileBox(Inside(column * strideX, boxWidth, slide.Width), Inside(row * strideY, boxHeight, slide.Height), boxWidth, boxHeight);
                var fraction = mask.FractionOf(box);
                if (fraction > 0 && fraction >= options.MinTissueFraction)
                {
                    tiles.Add(new TileRef(tiles.Count, column, row, box, fraction));
                }
            }
        }

        return new TileGrid(columns, rows, tileWidth, tileHeight, options, tiles);
    }

    // A tile's start, moved back so that the tile ends at the slide's edge when it would run past it.
    private static long Inside(double start, long size, long extent) => Math.Max(0, Math.Min((long)Math.Round(start), extent - size));

    private int Count(long extent, double tile, double stride)
    {
        if (extent < tile)
        {
            return options.IncludeEdgeTiles ? 1 : 0;
        }

        // Tiles that fit whole, plus one (shifted inward) when some of the slide is still uncovered.
        var whole = (int)Math.Floor(((extent - tile) / stride) + 1e-9) + 1;
        var covered = ((whole - 1) * stride) + tile;
        return options.IncludeEdgeTiles && covered < extent - 0.5 ? whole + 1 : whole;
    }
}

using System.Globalization;
using EdgeRuntime.Slides.Resolution;

namespace EdgeRuntime.Tiling.Grid;

/// <summary>
/// The grid of tiles a model sees. Bound from <c>EdgeRuntime:Tiling</c>; a model package may set the target
/// resolution and tile size it was trained at.
/// </summary>
public sealed class TilingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Tiling";

    /// <summary>The finest <see cref="TargetMicronsPerPixel"/> taken, µm/px: finer than any optical scanner.</summary>
    public const double MinimumTargetMicronsPerPixel = TileLimits.MinimumMicronsPerPixel;

    /// <summary>The coarsest <see cref="TargetMicronsPerPixel"/> taken, µm/px: a 0.1× overview, where a 224-px tile spans 22 mm.</summary>
    public const double MaximumTargetMicronsPerPixel = TileLimits.MaximumMicronsPerPixel;

    /// <summary>Physical size of a tile pixel, µm/px, 0.05 to 100. Default 0.5 (20×), the resolution most pathology CLIP models were trained at.</summary>
    public double TargetMicronsPerPixel { get; set; } = 0.5;

    /// <summary>Side of a square tile in pixels at the target resolution. Default 224 (ViT-B input).</summary>
    public int TileSize { get; set; } = 224;

    /// <summary>Pixels shared by neighbouring tiles, at the target resolution. Default 0.</summary>
    public int Overlap { get; set; }

    /// <summary>A tile is kept when at least this share of it is tissue. Default 0.25.</summary>
    public double MinTissueFraction { get; set; } = 0.25;

    /// <summary>
    /// Cover the slide's right and bottom strips that are narrower than a stride with a last column and row, shifted
    /// inward to end at the slide's edge (overlapping their neighbours; never padded with white). Default true:
    /// otherwise tissue in those strips is never seen.
    /// </summary>
    public bool IncludeEdgeTiles { get; set; } = true;

    /// <summary>
    /// A plain image (PNG, JPEG, untiled TIFF: one level, no pyramid) whose long side is at most this many pixels is
    /// one tile: the whole file through the model's own transform (resize and centre crop to its input size), without
    /// tissue detection, the way patch datasets such as CRC-100K are classified. Larger images, and every slide, are tiled. Default 1024;
    /// 0 tiles every image.
    /// </summary>
    public int WholeImageMaxSide { get; set; } = 1024;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        string Key(string name) => $"{Section}:{name}";
        // Beyond these a grid is absurd (1e308 µm/px was taken, and printed in full), or a tile smaller than any scan's pixel.
        if (!(TargetMicronsPerPixel is >= MinimumTargetMicronsPerPixel and <= MaximumTargetMicronsPerPixel))
        {
            yield return $"{Key(nameof(TargetMicronsPerPixel))} must be between {MinimumTargetMicronsPerPixel.ToString(CultureInfo.InvariantCulture)} and {MaximumTargetMicronsPerPixel.ToString(CultureInfo.InvariantCulture)} µm/px (is {TargetMicronsPerPixel.ToString(CultureInfo.InvariantCulture)}).";
        }

        var tileSizeValid = TileSize is >= TileLimits.MinimumSide and <= TileLimits.MaximumSide;
        if (!tileSizeValid)
        {
            yield return $"{Key(nameof(TileSize))} must be between {TileLimits.MinimumSide} and {TileLimits.MaximumSide} pixels (is {TileSize}).";
        }

        // Against an invalid tile size, the overlap's bound means nothing: one error, not a consequential second.
        if (Overlap < 0 || (tileSizeValid && Overlap >= TileSize))
        {
            yield return $"{Key(nameof(Overlap))} must be at least 0 and less than {nameof(TileSize)} ({TileSize}) (is {Overlap}).";
        }

        if (WholeImageMaxSide < 0)
        {
            yield return $"{Key(nameof(WholeImageMaxSide))} must not be negative (is {WholeImageMaxSide}).";
        }

        if (!(MinTissueFraction >= 0 && MinTissueFraction <= 1))
        {
            yield return $"{Key(nameof(MinTissueFraction))} must be between 0 and 1 (is {MinTissueFraction.ToString(CultureInfo.InvariantCulture)}).";
        }
    }
}

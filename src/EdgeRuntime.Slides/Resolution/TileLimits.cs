namespace EdgeRuntime.Slides.Resolution;

/// <summary>
/// The sane range of a tile's resolution and side, wherever one is given: the configuration
/// (<c>EdgeRuntime:Tiling</c>), the command line (<c>--target-mpp</c>) and a model package's manifest
/// (<c>tiling.targetMicronsPerPixel</c>, <c>tiling.tileSize</c>). One range for all, so a value taken in one place is
/// never refused in another. Beyond these a grid is absurd (1e308 µm/px was taken, and printed in full).
/// </summary>
public static class TileLimits
{
    /// <summary>The finest tile resolution taken, µm/px: finer than any optical scanner.</summary>
    public const double MinimumMicronsPerPixel = 0.05;

    /// <summary>The coarsest tile resolution taken, µm/px: a 0.1× overview, where a 224-px tile spans 22 mm.</summary>
    public const double MaximumMicronsPerPixel = 100;

    /// <summary>The smallest tile side taken, pixels.</summary>
    public const int MinimumSide = 8;

    /// <summary>The largest tile side taken, pixels: four times the largest input of today's pathology encoders.</summary>
    public const int MaximumSide = 4096;
}

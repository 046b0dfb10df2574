using System.Globalization;

namespace EdgeRuntime.Abstractions.Slides;

/// <summary>Physical size of one level-0 pixel, and where that figure came from.</summary>
/// <param name="MicronsPerPixelX">Width of a level-0 pixel in micrometres.</param>
/// <param name="MicronsPerPixelY">Height of a level-0 pixel in micrometres.</param>
/// <param name="Source">Which metadata the figure was taken from.</param>
public sealed record SlideResolution(double MicronsPerPixelX, double MicronsPerPixelY, ResolutionSource Source)
{
    /// <summary>Mean of the two axes: what tiling uses when a single figure is needed.</summary>
    public double MicronsPerPixel => (MicronsPerPixelX + MicronsPerPixelY) / 2;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MicronsPerPixelX:0.####} x {MicronsPerPixelY:0.####} µm/px ({Source})");
}

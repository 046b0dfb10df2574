namespace EdgeRuntime.Cells;

/// <summary>
/// One nucleus found in a tile or image. Coordinates are pixel-edge ones: pixel (x, y) covers [x, x + 1) × [y, y + 1),
/// so the contour's area is the pixel count and the centroid is the mean of the pixel centres.
/// </summary>
/// <param name="Label">Its number in the instance map (1 … n).</param>
/// <param name="Area">Pixels.</param>
/// <param name="CentroidX">Mean x of its pixel centres.</param>
/// <param name="CentroidY">Mean y of its pixel centres.</param>
/// <param name="Class">The class most of its pixels are predicted as (0 … classes − 1; -1 when no class map was given).</param>
/// <param name="Probability">The mean probability of that class over its pixels (1 when no class map was given).</param>
/// <param name="Contour">Its outer boundary along pixel edges, clockwise in image coordinates, the first vertex not repeated.</param>
public sealed record Cell(int Label, int Area, double CentroidX, double CentroidY, int Class, double Probability, IReadOnlyList<(double X, double Y)> Contour)
{
    /// <summary>The same cell moved by (<paramref name="dx"/>, <paramref name="dy"/>): tile to slide coordinates.</summary>
    public Cell Offset(double dx, double dy) =>
        this with { CentroidX = CentroidX + dx, CentroidY = CentroidY + dy, Contour = Contour.Select(p => (p.X + dx, p.Y + dy)).ToList() };
}

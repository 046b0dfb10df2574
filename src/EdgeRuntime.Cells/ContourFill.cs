namespace EdgeRuntime.Cells;

/// <summary>
/// The pixels a contour encloses: pixel (x, y) is inside when its centre (x + ½, y + ½) is, by the even-odd rule, so
/// a ring along pixel edges (as <see cref="Contours"/> traces) gives back exactly the pixels it bounds, holes filled.
/// </summary>
internal static class ContourFill
{
    /// <summary>Each enclosed pixel once, row by row, left to right.</summary>
    public static List<(int X, int Y)> Pixels(IReadOnlyList<(double X, double Y)> ring)
    {
        var pixels = new List<(int X, int Y)>();
        if (ring.Count < 3)
        {
            return pixels;
        }

        double top = double.PositiveInfinity, bottom = double.NegativeInfinity;
        foreach (var (_, y) in ring)
        {
            top = Math.Min(top, y);
            bottom = Math.Max(bottom, y);
        }

        var crossings = new List<double>();
        for (var row = (int)Math.Floor(top); row < (int)Math.Ceiling(bottom); row++)
        {
            var at = row + 0.5;
            crossings.Clear();
            for (var i = 0; i < ring.Count; i++)
            {
                var (ax, ay) = ring[i];
                var (bx, by) = ring[(i + 1) % ring.Count];
                if ((ay <= at) != (by <= at))
                {
                    crossings.Add(ax + ((at - ay) * (bx - ax) / (by - ay)));
                }
            }

            crossings.Sort();
            for (var i = 0; i + 1 < crossings.Count; i += 2)
            {
                // Centres x + ½ in [from, to).
                var first = (int)Math.Ceiling(crossings[i] - 0.5);
                var last = (int)Math.Ceiling(crossings[i + 1] - 0.5) - 1;
                for (var x = first; x <= last; x++)
                {
                    pixels.Add((x, row));
                }
            }
        }

        return pixels;
    }
}

namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// Otsu's threshold: the value t that maximises the between-class variance of {v ≤ t} and {v &gt; t}.
/// Ties go to the smallest t, as in OpenCV.
/// </summary>
internal static class OtsuThreshold
{
    public static int Compute(ReadOnlySpan<byte> values)
    {
        Span<long> histogram = stackalloc long[256];
        foreach (var v in values)
        {
            histogram[v]++;
        }

        long total = values.Length;
        double sumAll = 0;
        for (var v = 0; v < 256; v++)
        {
            sumAll += v * (double)histogram[v];
        }

        long below = 0;
        double sumBelow = 0;
        var best = 0;
        var bestVariance = -1.0;
        for (var t = 0; t < 256; t++)
        {
            below += histogram[t];
            sumBelow += t * (double)histogram[t];
            var above = total - below;
            if (below == 0 || above == 0)
            {
                continue;
            }

            var meanBelow = sumBelow / below;
            var meanAbove = (sumAll - sumBelow) / above;
            var variance = (double)below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (variance > bestVariance)
            {
                bestVariance = variance;
                best = t;
            }
        }

        return best;
    }
}

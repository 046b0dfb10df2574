namespace EdgeRuntime.Tiling.Tissue;

/// <summary>
/// Square median filter on an 8-bit image with replicated borders (as OpenCV's medianBlur and Pillow's
/// MedianFilter). A running histogram per row (Huang's method) keeps it O(k) per pixel instead of O(k² log k).
/// </summary>
internal static class MedianFilter
{
    public static byte[] Apply(ReadOnlySpan<byte> source, int width, int height, int size)
    {
        if (size <= 1)
        {
            return source.ToArray();
        }

        var radius = size / 2;
        var half = (size * size / 2) + 1; // rank of the median among size² values
        var output = new byte[width * height];
        Span<int> histogram = stackalloc int[256];
        for (var y = 0; y < height; y++)
        {
            histogram.Clear();
            for (var dy = -radius; dy <= radius; dy++)
            {
                var row = Math.Clamp(y + dy, 0, height - 1) * width;
                for (var dx = -radius; dx <= radius; dx++)
                {
                    histogram[source[row + Math.Clamp(dx, 0, width - 1)]]++;
                }
            }

            output[y * width] = Median(histogram, half);
            for (var x = 1; x < width; x++)
            {
                var leaving = Math.Clamp(x - radius - 1, 0, width - 1);
                var entering = Math.Clamp(x + radius, 0, width - 1);
                for (var dy = -radius; dy <= radius; dy++)
                {
                    var row = Math.Clamp(y + dy, 0, height - 1) * width;
                    histogram[source[row + leaving]]--;
                    histogram[source[row + entering]]++;
                }

                output[(y * width) + x] = Median(histogram, half);
            }
        }

        return output;
    }

    private static byte Median(ReadOnlySpan<int> histogram, int rank)
    {
        var seen = 0;
        for (var v = 0; v < 256; v++)
        {
            seen += histogram[v];
            if (seen >= rank)
            {
                return (byte)v;
            }
        }

        return 255;
    }
}

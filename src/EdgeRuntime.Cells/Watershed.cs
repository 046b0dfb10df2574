namespace EdgeRuntime.Cells;

/// <summary>
/// Marker-controlled watershed (Beucher and Meyer 1993), as scikit-image's <c>watershed(elevation, markers,
/// mask)</c> that HoVer-Net and CellViT call: labels flood from the markers through 4-connected pixels of the mask in
/// order of elevation (ties first come, first served), so that each pixel takes the label of the basin that reaches
/// it lowest.
/// </summary>
public static class Watershed
{
    /// <summary>Floods <paramref name="markers"/> (0 unlabelled) over <paramref name="mask"/>; returns the labels.</summary>
    public static int[] Flood(ReadOnlySpan<float> elevation, int[] markers, ReadOnlySpan<bool> mask, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(markers);
        var n = width * height;
        if (elevation.Length != n || markers.Length != n || mask.Length != n)
        {
            throw new ArgumentException($"maps of {elevation.Length}, {markers.Length} and {mask.Length} pixels for a {width}x{height} image.");
        }

        var labels = (int[])markers.Clone();
        var queue = new PriorityQueue<int, (float, long)>();
        long order = 0;
        for (var i = 0; i < n; i++)
        {
            if (labels[i] > 0)
            {
                queue.Enqueue(i, (elevation[i], order++));
            }
        }

        Span<int> neighbours = stackalloc int[4];
        while (queue.TryDequeue(out var i, out _))
        {
            int x = i % width, y = i / width, count = 0;
            if (x > 0)
            {
                neighbours[count++] = i - 1;
            }

            if (x < width - 1)
            {
                neighbours[count++] = i + 1;
            }

            if (y > 0)
            {
                neighbours[count++] = i - width;
            }

            if (y < height - 1)
            {
                neighbours[count++] = i + width;
            }

            foreach (var j in neighbours[..count])
            {
                if (labels[j] == 0 && mask[j])
                {
                    labels[j] = labels[i];
                    queue.Enqueue(j, (elevation[j], order++));
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            labels[i] = mask[i] ? labels[i] : 0;
        }

        return labels;
    }

    /// <summary>4-connected components of <paramref name="pixels"/>, numbered 1 … in raster order of their first pixel.</summary>
    public static int[] Components(ReadOnlySpan<bool> pixels, int width, int height, out int count)
    {
        var labels = new int[width * height];
        var stack = new Stack<int>();
        count = 0;
        for (var start = 0; start < labels.Length; start++)
        {
            if (!pixels[start] || labels[start] != 0)
            {
                continue;
            }

            labels[start] = ++count;
            stack.Push(start);
            while (stack.TryPop(out var i))
            {
                int x = i % width, y = i / width;
                foreach (var j in new[] { x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1 })
                {
                    if (j >= 0 && pixels[j] && labels[j] == 0)
                    {
                        labels[j] = count;
                        stack.Push(j);
                    }
                }
            }
        }

        return labels;
    }
}

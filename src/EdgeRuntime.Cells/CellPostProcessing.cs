namespace EdgeRuntime.Cells;

/// <summary>
/// A head's maps into nuclei, as HoVer-Net and CellViT do: nucleus pixels by threshold; markers where a nucleus is
/// surely inside one cell (distance maps: far from its edge; HV maps: where the horizontal and vertical maps change
/// smoothly, HoVer-Net's rule with a 3 × 3 Sobel); marker-controlled watershed over the nucleus pixels; then each
/// instance's contour, centroid, class (majority of its pixels' most probable class) and that class's mean probability.
/// </summary>
public static class CellPostProcessing
{
    /// <summary>The instance map (0 background, 1 … n) and the nuclei, numbered as in the map.</summary>
    public static (int[] Labels, List<Cell> Cells) Run(CellMaps maps, PostProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(maps);
        options ??= new PostProcessingOptions();
        int w = maps.Width, h = maps.Height, n = w * h;
        var nucleus = new bool[n];
        for (var i = 0; i < n; i++)
        {
            nucleus[i] = maps.Foreground[i] > options.ForegroundThreshold;
        }

        nucleus = DropSmall(nucleus, w, h, options.MinimumArea);
        var (markerPixels, elevation) = maps.Distance is { } distance ? FromDistance(nucleus, distance, options) : FromHv(nucleus, maps, options);
        var markers = Watershed.Components(DropSmall(markerPixels, w, h, Math.Max(1, options.MinimumArea / 4)), w, h, out var markerCount);
        var labels = Watershed.Flood(elevation, markers, nucleus, w, h);

        // Nucleus pixels no marker reached (a nucleus too small or too flat for a marker) are nuclei of their own.
        var unreached = new bool[n];
        for (var i = 0; i < n; i++)
        {
            unreached[i] = nucleus[i] && labels[i] == 0;
        }

        var extra = Watershed.Components(unreached, w, h, out _);
        for (var i = 0; i < n; i++)
        {
            labels[i] = extra[i] > 0 ? markerCount + extra[i] : labels[i];
        }

        var kept = Renumber(labels, options.MinimumArea);
        if (options.ClassSplitArea > 0 && maps.ClassProbabilities is not null)
        {
            kept = Renumber(ClassSplit.Run(kept, elevation, maps, options.ClassSplitArea), 1);
        }

        return Describe(kept, maps);
    }

    /// <summary>Each instance of <paramref name="labels"/> (any positive numbers) described with the maps' class probabilities.</summary>
    public static (int[] Labels, List<Cell> Cells) Describe(int[] labels, CellMaps maps)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(maps);
        int w = maps.Width, n = labels.Length;
        var count = labels.DefaultIfEmpty(0).Max();
        var area = new int[count + 1];
        var sx = new double[count + 1];
        var sy = new double[count + 1];
        var votes = new int[(count + 1) * Math.Max(1, maps.Classes)];
        var best = new int[n];
        for (var i = 0; i < n; i++)
        {
            var k = labels[i];
            if (k == 0)
            {
                continue;
            }

            area[k]++;
            sx[k] += (i % w) + 0.5;
            sy[k] += (i / w) + 0.5;
            if (maps.ClassProbabilities is { } p)
            {
                var top = 0;
                for (var c = 1; c < maps.Classes; c++)
                {
                    top = p[(c * n) + i] > p[(top * n) + i] ? c : top;
                }

                best[i] = top;
                votes[(k * maps.Classes) + top]++;
            }
        }

        var cells = new List<Cell>(count);
        var probabilitySum = new double[count + 1];
        var classOf = new int[count + 1];
        for (var k = 1; k <= count; k++)
        {
            classOf[k] = maps.ClassProbabilities is null ? -1 : Enumerable.Range(0, maps.Classes).MaxBy(c => (votes[(k * maps.Classes) + c], -c));
        }

        if (maps.ClassProbabilities is { } probabilities)
        {
            for (var i = 0; i < n; i++)
            {
                if (labels[i] > 0)
                {
                    probabilitySum[labels[i]] += probabilities[(classOf[labels[i]] * n) + i];
                }
            }
        }

        var contours = Contours.Trace(labels, w, maps.Height, count);
        for (var k = 1; k <= count; k++)
        {
            if (area[k] == 0)
            {
                continue; // a label the map does not use
            }

            cells.Add(new Cell(k, area[k], sx[k] / area[k], sy[k] / area[k], classOf[k], maps.ClassProbabilities is null ? 1 : probabilitySum[k] / area[k], contours[k]));
        }

        return (labels, cells);
    }

    private static (bool[] Markers, float[] Elevation) FromDistance(bool[] nucleus, float[] distance, PostProcessingOptions options)
    {
        var markers = new bool[nucleus.Length];
        var elevation = new float[nucleus.Length];
        for (var i = 0; i < nucleus.Length; i++)
        {
            markers[i] = nucleus[i] && distance[i] > options.MarkerDistance;
            elevation[i] = -distance[i];
        }

        return (markers, elevation);
    }

    // HoVer-Net's __proc_np_hv: each map normalised to 0 … 1, its derivative along its own axis min-max normalised and
    // inverted (a sharp fall, the seam between two nuclei or a nucleus's edge, becomes 1); edges are where either
    // reaches the threshold; markers are nucleus pixels off the edges; the watershed climbs (1 − edge strength) reversed.
    private static (bool[] Markers, float[] Elevation) FromHv(bool[] nucleus, CellMaps maps, PostProcessingOptions options)
    {
        int w = maps.Width, h = maps.Height;
        var gh = InvertedGradient(Normalise(maps.Horizontal!), w, h, horizontal: true);
        var gv = InvertedGradient(Normalise(maps.Vertical!), w, h, horizontal: false);
        var markers = new bool[nucleus.Length];
        var elevation = new float[nucleus.Length];
        for (var i = 0; i < nucleus.Length; i++)
        {
            var edge = nucleus[i] ? Math.Max(gh[i], gv[i]) : 0;
            markers[i] = nucleus[i] && edge < options.EdgeThreshold;
            elevation[i] = -(1 - edge) * (nucleus[i] ? 1 : 0);
        }

        return (markers, elevation);
    }

    private static float[] Normalise(float[] map)
    {
        float min = map.Min(), max = map.Max();
        var range = max - min;
        return map.Select(v => range > 0 ? (v - min) / range : 0).ToArray();
    }

    private static float[] InvertedGradient(float[] map, int w, int h, bool horizontal)
    {
        var g = new float[map.Length];
        float At(int x, int y) => map[(Math.Clamp(y, 0, h - 1) * w) + Math.Clamp(x, 0, w - 1)];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                g[(y * w) + x] = horizontal
                    ? At(x + 1, y - 1) + (2 * At(x + 1, y)) + At(x + 1, y + 1) - At(x - 1, y - 1) - (2 * At(x - 1, y)) - At(x - 1, y + 1)
                    : At(x - 1, y + 1) + (2 * At(x, y + 1)) + At(x + 1, y + 1) - At(x - 1, y - 1) - (2 * At(x, y - 1)) - At(x + 1, y - 1);
            }
        }

        var normalised = Normalise(g);
        for (var i = 0; i < g.Length; i++)
        {
            normalised[i] = 1 - normalised[i];
        }

        return normalised;
    }

    private static bool[] DropSmall(bool[] pixels, int w, int h, int minimum)
    {
        var components = Watershed.Components(pixels, w, h, out var count);
        var size = new int[count + 1];
        foreach (var c in components)
        {
            size[c]++;
        }

        return components.Select(c => c > 0 && size[c] >= minimum).ToArray();
    }

    private static int[] Renumber(int[] labels, int minimum)
    {
        var size = new Dictionary<int, int>();
        foreach (var l in labels.Where(l => l > 0))
        {
            size[l] = size.GetValueOrDefault(l) + 1;
        }

        var number = new Dictionary<int, int>();
        var result = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var l = labels[i];
            if (l > 0 && size[l] >= minimum)
            {
                if (!number.TryGetValue(l, out var k))
                {
                    number[l] = k = number.Count + 1;
                }

                result[i] = k;
            }
        }

        return result;
    }
}

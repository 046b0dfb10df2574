namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// The nuclei of an instance map, numbered 1 … Count in ascending order of their ids (HoVer-Net's
/// <c>remap_label</c>), each with its area, centroid (mean pixel x and y, as image moments give) and class (the most
/// frequent class among its pixels, the smaller class on a tie).
/// </summary>
internal sealed class Instances
{
    private Instances(int[] labels, long[] area, double[] centroidX, double[] centroidY, int[] classes)
    {
        Labels = labels;
        Area = area;
        CentroidX = centroidX;
        CentroidY = centroidY;
        Class = classes;
    }

    /// <summary>Each pixel's instance number (0 background, 1 … Count).</summary>
    public int[] Labels { get; }

    /// <summary>Pixels per instance, index 0 unused.</summary>
    public long[] Area { get; }

    /// <summary>Mean pixel column per instance, index 0 unused.</summary>
    public double[] CentroidX { get; }

    /// <summary>Mean pixel row per instance, index 0 unused.</summary>
    public double[] CentroidY { get; }

    /// <summary>Class per instance, index 0 unused.</summary>
    public int[] Class { get; }

    /// <summary>Number of instances.</summary>
    public int Count => Area.Length - 1;

    public static Instances Of(CellSample sample)
    {
        var ids = sample.InstanceMap.Where(v => v > 0).Distinct().Order().ToArray();
        var number = new Dictionary<int, int>(ids.Length);
        for (var k = 0; k < ids.Length; k++)
        {
            number[ids[k]] = k + 1;
        }

        var labels = new int[sample.InstanceMap.Length];
        var area = new long[ids.Length + 1];
        var sumX = new double[ids.Length + 1];
        var sumY = new double[ids.Length + 1];
        var votes = new Dictionary<(int, int), long>();
        for (var i = 0; i < labels.Length; i++)
        {
            var id = sample.InstanceMap[i];
            if (id <= 0)
            {
                continue;
            }

            var k = number[id];
            labels[i] = k;
            area[k]++;
            sumX[k] += i % sample.Width;
            sumY[k] += i / sample.Width;
            var key = (k, sample.ClassMap[i]);
            votes[key] = votes.GetValueOrDefault(key) + 1;
        }

        var classes = new int[ids.Length + 1];
        var best = new long[ids.Length + 1];
        foreach (var ((k, c), n) in votes.OrderBy(v => v.Key.Item2))
        {
            if (n > best[k])
            {
                best[k] = n;
                classes[k] = c;
            }
        }

        var cx = new double[ids.Length + 1];
        var cy = new double[ids.Length + 1];
        for (var k = 1; k <= ids.Length; k++)
        {
            cx[k] = sumX[k] / area[k];
            cy[k] = sumY[k] / area[k];
        }

        return new Instances(labels, area, cx, cy, classes);
    }
}

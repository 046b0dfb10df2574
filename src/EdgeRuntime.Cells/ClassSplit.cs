namespace EdgeRuntime.Cells;

/// <summary>
/// Two touching nuclei of different classes whose distance map does not fall between them come out of the watershed
/// as one instance; the class map still tells them apart. An instance holding 4-connected single-class parts (by
/// each pixel's most probable class) of two or more classes, each of at least the given area, is split: the parts
/// are its markers, flooded over the instance's own pixels (docs/cells.md, "Why nuclei are missed").
/// tools/cells/postprocessing.py's <c>split_by_class</c> is the same rule in numpy.
/// </summary>
internal static class ClassSplit
{
    public static int[] Run(int[] labels, float[] elevation, CellMaps maps, int partArea)
    {
        int w = maps.Width, h = maps.Height, n = w * h, classes = maps.Classes;
        var p = maps.ClassProbabilities!;
        var best = new int[n];
        for (var i = 0; i < n; i++)
        {
            var top = 0;
            for (var c = 1; c < classes; c++)
            {
                top = p[(c * n) + i] > p[(top * n) + i] ? c : top;
            }

            best[i] = top;
        }

        var result = (int[])labels.Clone();
        var count = labels.DefaultIfEmpty(0).Max();
        var following = count + 1;
        for (var k = 1; k <= count; k++)
        {
            var instance = new bool[n];
            var any = false;
            for (var i = 0; i < n; i++)
            {
                instance[i] = labels[i] == k;
                any |= instance[i];
            }

            if (!any)
            {
                continue;
            }

            var markers = new int[n];
            var parts = 0;
            for (var c = 0; c < classes; c++)
            {
                var ofClass = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    ofClass[i] = instance[i] && best[i] == c;
                }

                var components = Watershed.Components(ofClass, w, h, out var found);
                var size = new int[found + 1];
                foreach (var component in components)
                {
                    size[component]++;
                }

                var number = new int[found + 1];
                for (var j = 1; j <= found; j++)
                {
                    number[j] = size[j] >= partArea ? ++parts : 0;
                }

                for (var i = 0; i < n; i++)
                {
                    if (components[i] > 0 && number[components[i]] > 0)
                    {
                        markers[i] = number[components[i]];
                    }
                }
            }

            if (parts < 2)
            {
                continue;
            }

            var flooded = Watershed.Flood(elevation, markers, instance, w, h);
            for (var i = 0; i < n; i++)
            {
                if (flooded[i] > 0)
                {
                    result[i] = following + flooded[i] - 1;
                }
            }

            following += parts;
        }

        return result;
    }
}

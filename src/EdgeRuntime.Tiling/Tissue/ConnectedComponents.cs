namespace EdgeRuntime.Tiling.Tissue;

/// <summary>Area filters on a binary mask: drop small tissue specks, fill small holes.</summary>
internal static class ConnectedComponents
{
    /// <summary>Sets to 0 every 8-connected foreground component smaller than <paramref name="minArea"/> pixels.</summary>
    public static void RemoveSmallForeground(byte[] mask, int width, int height, int minArea) =>
        Filter(mask, width, height, value: 1, eightConnected: true, replaceWith: 0, (area, touchesBorder) => area < minArea);

    /// <summary>
    /// Sets to 1 every 4-connected background component smaller than <paramref name="maxArea"/> pixels that
    /// does not touch the border (a hole in tissue, not the glass around it).
    /// </summary>
    public static void FillSmallHoles(byte[] mask, int width, int height, int maxArea) =>
        Filter(mask, width, height, value: 0, eightConnected: false, replaceWith: 1, (area, touchesBorder) => !touchesBorder && area < maxArea);

    private static void Filter(byte[] mask, int width, int height, byte value, bool eightConnected, byte replaceWith, Func<int, bool, bool> replace)
    {
        var visited = new bool[mask.Length];
        var stack = new Stack<int>();
        var component = new List<int>();
        for (var start = 0; start < mask.Length; start++)
        {
            if (visited[start] || mask[start] != value)
            {
                continue;
            }

            component.Clear();
            var touchesBorder = false;
            visited[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                component.Add(p);
                int x = p % width, y = p / width;
                touchesBorder |= x == 0 || y == 0 || x == width - 1 || y == height - 1;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        if ((dx == 0 && dy == 0) || (!eightConnected && dx != 0 && dy != 0))
                        {
                            continue;
                        }

                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height)
                        {
                            continue;
                        }

                        var q = (ny * width) + nx;
                        if (!visited[q] && mask[q] == value)
                        {
                            visited[q] = true;
                            stack.Push(q);
                        }
                    }
                }
            }

            if (replace(component.Count, touchesBorder))
            {
                foreach (var p in component)
                {
                    mask[p] = replaceWith;
                }
            }
        }
    }
}

using EdgeRuntime.Slides.Pixels;

namespace EdgeRuntime.Engine.Cells;

/// <summary>
/// A tile with its nuclei outlined in their class's colour, enlarged so that a person sees each contour: nuclei are a
/// few pixels wide, and a whole-slide thumbnail would show them as dots.
/// </summary>
internal static class CellOverlay
{
    /// <summary>Renders <paramref name="rgb"/> (size × size) with each instance's boundary pixels coloured, enlarged <paramref name="zoom"/> times.</summary>
    public static RgbImage Render(byte[] rgb, int[] labels, IReadOnlyDictionary<int, int> classOf, int size, IReadOnlyList<(byte R, byte G, byte B)> colours, int zoom)
    {
        var drawn = (byte[])rgb.Clone();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var label = labels[(y * size) + x];
                if (label == 0 || !IsEdge(labels, size, x, y, label))
                {
                    continue;
                }

                var cls = classOf.TryGetValue(label, out var c) ? c : -1;
                var (r, g, b) = cls >= 0 && cls < colours.Count ? colours[cls] : ((byte)0, (byte)0, (byte)0);
                var at = ((y * size) + x) * 3;
                (drawn[at], drawn[at + 1], drawn[at + 2]) = (r, g, b);
            }
        }

        var image = new RgbImage(size * zoom, size * zoom);
        var span = image.Span;
        for (var y = 0; y < size * zoom; y++)
        {
            for (var x = 0; x < size * zoom; x++)
            {
                var from = (((y / zoom) * size) + (x / zoom)) * 3;
                var to = ((y * size * zoom) + x) * 3;
                span[to] = drawn[from];
                span[to + 1] = drawn[from + 1];
                span[to + 2] = drawn[from + 2];
            }
        }

        return image;
    }

    private static bool IsEdge(int[] labels, int size, int x, int y, int label) =>
        x == 0 || y == 0 || x == size - 1 || y == size - 1
        || labels[(y * size) + x - 1] != label || labels[(y * size) + x + 1] != label
        || labels[((y - 1) * size) + x] != label || labels[((y + 1) * size) + x] != label;
}

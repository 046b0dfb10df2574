namespace EdgeRuntime.Tiling.Tissue;

/// <summary>Binary closing (dilate, then erode) with a square of side 2r+1, done as two separable passes each.</summary>
internal static class Morphology
{
    public static void Close(byte[] mask, int width, int height, int radius)
    {
        if (radius <= 0)
        {
            return;
        }

        // Outside the image counts as background for dilation and as foreground for erosion, so that
        // closing neither grows nor eats tissue at the slide's edge (OpenCV's default border for both).
        var scratch = new byte[mask.Length];
        Pass(mask, scratch, width, height, radius, horizontal: true, dilate: true);
        Pass(scratch, mask, width, height, radius, horizontal: false, dilate: true);
        Pass(mask, scratch, width, height, radius, horizontal: true, dilate: false);
        Pass(scratch, mask, width, height, radius, horizontal: false, dilate: false);
    }

    private static void Pass(byte[] source, byte[] target, int width, int height, int radius, bool horizontal, bool dilate)
    {
        var (lines, length) = horizontal ? (height, width) : (width, height);
        var outside = dilate ? 0 : 1;
        for (var line = 0; line < lines; line++)
        {
            // Running count of foreground pixels in the window [i − r, i + r].
            var count = 0;
            for (var i = -radius; i <= radius; i++)
            {
                count += At(source, width, horizontal, line, i, length, outside);
            }

            for (var i = 0; i < length; i++)
            {
                var value = dilate ? (count > 0 ? 1 : 0) : (count == (2 * radius) + 1 ? 1 : 0);
                target[horizontal ? (line * width) + i : (i * width) + line] = (byte)value;
                count += At(source, width, horizontal, line, i + radius + 1, length, outside)
                    - At(source, width, horizontal, line, i - radius, length, outside);
            }
        }
    }

    private static int At(byte[] source, int width, bool horizontal, int line, int i, int length, int outside)
    {
        if (i < 0 || i >= length)
        {
            return outside;
        }

        return source[horizontal ? (line * width) + i : (i * width) + line] != 0 ? 1 : 0;
    }
}

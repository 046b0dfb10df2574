namespace EdgeRuntime.Tiling.Tissue;

/// <summary>HSV components of 8-bit RGB, with OpenCV's 8-bit conventions for S and V (0–255).</summary>
internal static class Hsv
{
    /// <summary>S = 255 · (max − min) / max, rounded; 0 for black.</summary>
    public static byte Saturation(byte r, byte g, byte b)
    {
        var max = Math.Max(r, Math.Max(g, b));
        var min = Math.Min(r, Math.Min(g, b));
        return max == 0 ? (byte)0 : (byte)((((max - min) * 255) + (max / 2)) / max);
    }

    /// <summary>V = max(R, G, B).</summary>
    public static byte Value(byte r, byte g, byte b) => Math.Max(r, Math.Max(g, b));

    /// <summary>Hue in degrees [0, 360); 0 for greys.</summary>
    public static double HueDegrees(byte r, byte g, byte b)
    {
        int max = Math.Max(r, Math.Max(g, b));
        int min = Math.Min(r, Math.Min(g, b));
        double delta = max - min;
        if (delta == 0)
        {
            return 0;
        }

        double hue = max == r ? (g - b) / delta : max == g ? 2 + ((b - r) / delta) : 4 + ((r - g) / delta);
        hue *= 60;
        return hue < 0 ? hue + 360 : hue;
    }
}

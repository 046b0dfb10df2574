namespace EdgeRuntime.Slides.Pixels;

/// <summary>
/// Converts premultiplied-alpha pixels to RGB. Transparent pixels are what OpenSlide returns outside the
/// scanned area; on a slide that is empty glass, so each pixel is composited over white:
/// <c>out = c + (255 − a)</c>, exact for premultiplied colour. Reading them as plain RGB would turn every edge
/// and gap black, and black passes many tissue filters.
/// </summary>
internal static class PremultipliedPixels
{
    /// <summary>OpenSlide's layout: 32-bit words with A in the high byte, then R, G, B.</summary>
    public static void ArgbToRgbOverWhite(ReadOnlySpan<uint> argb, Span<byte> rgb) => Convert(argb, rgb, redShift: 16, blueShift: 0);

    /// <summary>libtiff's RGBA raster and Skia's RGBA8888 on little-endian: A in the high byte, then B, G, R.</summary>
    public static void AbgrToRgbOverWhite(ReadOnlySpan<uint> abgr, Span<byte> rgb) => Convert(abgr, rgb, redShift: 0, blueShift: 16);

    private static void Convert(ReadOnlySpan<uint> pixels, Span<byte> rgb, int redShift, int blueShift)
    {
        if (rgb.Length < pixels.Length * 3)
        {
            throw new ArgumentException($"Destination holds {rgb.Length} bytes; {pixels.Length * 3} needed.", nameof(rgb));
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            var p = pixels[i];
            var background = 255 - (int)(p >> 24);
            var o = i * 3;
            rgb[o] = ClampToByte((int)((p >> redShift) & 0xFF) + background);
            rgb[o + 1] = ClampToByte((int)((p >> 8) & 0xFF) + background);
            rgb[o + 2] = ClampToByte((int)((p >> blueShift) & 0xFF) + background);
        }
    }

    // A well-formed premultiplied pixel never has a channel above its alpha, so the sum stays ≤ 255;
    // the clamp only guards against files that break that rule.
    private static byte ClampToByte(int value) => value > 255 ? (byte)255 : (byte)value;
}

namespace EdgeRuntime.Slides.Pixels;

/// <summary>An 8-bit RGB image held in memory, rows top to bottom, no padding between rows.</summary>
public sealed class RgbImage
{
    /// <summary>Creates an image over existing pixels.</summary>
    /// <exception cref="ArgumentException">The buffer is too small for the size.</exception>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length < (long)width * height * 3)
        {
            throw new ArgumentException($"{width}x{height} RGB needs {(long)width * height * 3} bytes, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Creates a white image.</summary>
    public RgbImage(int width, int height)
        : this(width, height, NewWhite(width, height))
    {
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, R, G, B for each pixel.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bytes per row.</summary>
    public int Stride => Width * 3;

    /// <summary>The pixels as a span of exactly width × height × 3 bytes.</summary>
    public Span<byte> Span => Pixels.AsSpan(0, Stride * Height);

    private static byte[] NewWhite(int width, int height)
    {
        var pixels = new byte[checked(width * height * 3)];
        pixels.AsSpan().Fill(255);
        return pixels;
    }
}

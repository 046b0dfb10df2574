using SkiaSharp;

namespace EdgeRuntime.Slides.Pixels;

/// <summary>Writes RGB images as PNG files, atomically: a crash leaves the old file or the new one, never half of one.</summary>
public static class PngFile
{
    /// <summary>Encodes <paramref name="image"/> as PNG.</summary>
    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes <paramref name="png"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> png) => Foundation.Files.AtomicFile.Write(path, png.ToArray());

    /// <summary>An opaque Skia bitmap holding a copy of <paramref name="image"/>, for drawing on.</summary>
    public static SKBitmap ToBitmap(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = bitmap.GetPixelSpan();
        unsafe
        {
            var destination = new Span<byte>((void*)bitmap.GetPixels(), rgba.Length);
            var source = image.Span;
            for (var i = 0; i < image.Width * image.Height; i++)
            {
                destination[i * 4] = source[i * 3];
                destination[(i * 4) + 1] = source[(i * 3) + 1];
                destination[(i * 4) + 2] = source[(i * 3) + 2];
                destination[(i * 4) + 3] = 255;
            }
        }

        return bitmap;
    }
}

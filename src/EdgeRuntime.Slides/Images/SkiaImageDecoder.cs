using System.Runtime.InteropServices;
using EdgeRuntime.Slides.Pixels;
using SkiaSharp;

namespace EdgeRuntime.Slides.Images;

/// <summary>
/// Decodes PNG and JPEG with SkiaSharp (libpng and libjpeg-turbo inside, the same decoders Pillow uses),
/// without colour management, so that pixel values are those stored in the file, as Pillow returns them.
/// </summary>
internal static class SkiaImageDecoder
{
    /// <summary>Decodes <paramref name="path"/>, or returns null if Skia does not recognise the format.</summary>
    /// <exception cref="SlideException">The format is recognised but the pixels cannot be decoded, or the image is too large.</exception>
    public static RgbImage? TryDecode(string path, long maxPixels, out string format)
    {
        format = string.Empty;
        using var codec = SKCodec.Create(path, out var result);
        if (codec is null)
        {
            return null;
        }

        format = codec.EncodedFormat.ToString().ToLowerInvariant();
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > maxPixels)
        {
            throw new UnsupportedSlideException(path, $"a {width}x{height} {format} image is larger than the {maxPixels} px allowed for images decoded whole; save it as a tiled pyramidal TIFF.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var rgba = new byte[info.BytesSize];
        SKCodecResult decoded;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                decoded = codec.GetPixels(info, (nint)p);
            }
        }

        if (decoded is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new SlideReadException(path, $"the {format} image could not be decoded ({decoded}).");
        }

        if (decoded == SKCodecResult.IncompleteInput)
        {
            throw new SlideReadException(path, $"the {format} image is truncated: its data ends before the last row.");
        }

        var image = new RgbImage(width, height);
        PremultipliedPixels.AbgrToRgbOverWhite(MemoryMarshal.Cast<byte, uint>(rgba.AsSpan()), image.Span);
        return image;
    }
}

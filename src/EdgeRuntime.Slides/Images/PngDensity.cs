using System.Buffers.Binary;
using System.Globalization;
using EdgeRuntime.Slides.Resolution;

namespace EdgeRuntime.Slides.Images;

/// <summary>Reads a PNG's <c>pHYs</c> chunk, the only place a PNG can state its physical pixel size.</summary>
internal static class PngDensity
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Adds the density in pixels per metre to <paramref name="properties"/> when the file states it in metres.</summary>
    public static void Read(string path, IDictionary<string, string> properties)
    {
        using var stream = File.OpenRead(path);
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8 || !header.SequenceEqual(Signature))
        {
            return;
        }

        Span<byte> chunk = stackalloc byte[8];
        Span<byte> phys = stackalloc byte[9];
        while (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) == 8)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var type = chunk[4..8];
            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8))
            {
                return; // pHYs must precede the image data.
            }

            if (type.SequenceEqual("pHYs"u8) && length == 9)
            {
                if (stream.ReadAtLeast(phys, 9, throwOnEndOfStream: false) == 9 && phys[8] == 1)
                {
                    properties[ResolutionResolver.PngPixelsPerMetreXProperty] = BinaryPrimitives.ReadUInt32BigEndian(phys).ToString(CultureInfo.InvariantCulture);
                    properties[ResolutionResolver.PngPixelsPerMetreYProperty] = BinaryPrimitives.ReadUInt32BigEndian(phys[4..]).ToString(CultureInfo.InvariantCulture);
                }

                return;
            }

            stream.Seek(length + 4L, SeekOrigin.Current); // data and CRC
        }
    }
}

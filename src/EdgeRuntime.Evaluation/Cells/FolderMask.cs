using System.Globalization;
using SkiaSharp;

namespace EdgeRuntime.Evaluation.Cells;

/// <summary>One mask of the folder layout: a 2-D .npy array or a grey PNG (8- or 16-bit, read exactly).</summary>
internal static class FolderMask
{
    public static (int Width, int Height, int[] Values) Read(string file)
    {
        if (file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            using var npy = NpyFile.Open(file);
            if (npy.Shape.Count != 2)
            {
                throw new InvalidDataException($"{file}: shape ({string.Join(", ", npy.Shape)}); expected (H, W).");
            }

            // A 2-D (H, W) array is read as H slices of one row each.
            var (h, w) = ((int)npy.Shape[0], (int)npy.Shape[1]);
            Check(file, w, h);

            var values = new int[w * h];
            for (var y = 0; y < h; y++)
            {
                npy.ReadIntSlice(y).CopyTo(values, y * w);
            }

            return (w, h, values);
        }

        using var codec = SKCodec.Create(file) ?? throw new InvalidDataException($"{file}: not an image SkiaSharp reads.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        Check(file, width, height);
        var pixels = new int[width * height];

        // Skia decodes a 16-bit PNG to 16 bits a channel only when asked for them; 8-bit images are read as 8-bit so
        // that ids are not scaled. A grey mask has R = G = B.
        var sixteen = codec.Info.ColorType is SKColorType.Rgba16161616 or SKColorType.Alpha16 or SKColorType.Rg1616;
        var info = new SKImageInfo(width, height, sixteen ? SKColorType.Rgba16161616 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bytes = new byte[info.BytesSize];
        var result = codec.GetPixels(info, bytes);
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException($"{file}: the image cannot be decoded ({result}).");
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            int r, g, b;
            if (sixteen)
            {
                r = BitConverter.ToUInt16(bytes, i * 8);
                g = BitConverter.ToUInt16(bytes, (i * 8) + 2);
                b = BitConverter.ToUInt16(bytes, (i * 8) + 4);
            }
            else
            {
                (r, g, b) = (bytes[i * 4], bytes[(i * 4) + 1], bytes[(i * 4) + 2]);
            }

            if (r != g || g != b)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: pixel ({i % width}, {i / width}) is a colour ({r}, {g}, {b}); masks are grey levels (one id per nucleus)."));
            }

            pixels[i] = r;
        }

        return (width, height, pixels);
    }

    private static void Check(string file, int width, int height)
    {
        if (width is < 1 or > CellDataset.MaxSide || height is < 1 or > CellDataset.MaxSide)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: a {width}x{height} mask (each side 1 to {CellDataset.MaxSide})."));
        }
    }
}

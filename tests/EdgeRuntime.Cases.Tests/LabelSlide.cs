using System.Buffers.Binary;
using ZXing;
using ZXing.Common;

namespace EdgeRuntime.Cases.Tests;

/// <summary>
/// A real Aperio slide (CMU-1-Small-Region.svs, whose label is handwritten) whose label image is replaced by a
/// barcode made with ZXing.Net's writer: the label directory is rewritten in place as uncompressed RGB strips at the
/// end of the file, so OpenSlide reads the new label exactly as it reads a scanner's.
/// </summary>
internal static class LabelSlide
{
    public static string Write(string folder, string name, string text, BarcodeFormat format, bool rotate = false)
    {
        var span = File.ReadAllBytes(TestSupport.TestData.Slide("CMU-1-Small-Region.svs"));
        var ifd = LabelDirectory(span);
        var width = (int)Value(span, ifd, 256);
        var height = (int)Value(span, ifd, 257);
        var rgb = Label(width, height, text, format, rotate);
        var offset = span.Length + (span.Length % 2);
        var file = new byte[offset + rgb.Length];
        span.CopyTo(file, 0);
        rgb.CopyTo(file, offset);
        Patch(file, ifd, 259, 3, 1);                   // compression: none
        Patch(file, ifd, 273, 4, (uint)offset);        // one strip, here
        Patch(file, ifd, 278, 4, (uint)height);        // rows per strip: all
        Patch(file, ifd, 279, 4, (uint)rgb.Length);
        Patch(file, ifd, 262, 3, 2);                   // RGB
        Patch(file, ifd, 317, 3, 1, optional: true);   // no predictor
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, file);
        return path;
    }

    /// <summary>A white label of <paramref name="width"/> × <paramref name="height"/> with the barcode in its middle.</summary>
    public static byte[] Label(int width, int height, string text, BarcodeFormat format, bool rotate)
    {
        var oneD = format is BarcodeFormat.CODE_128 or BarcodeFormat.CODE_39;
        var (w, h) = oneD ? (Math.Min(width, height) - 20, 80) : (Math.Min(width, height) / 2, Math.Min(width, height) / 2);
        var writer = new BarcodeWriterPixelData { Format = format, Options = new EncodingOptions { Width = w, Height = h, Margin = 2, PureBarcode = true } };
        var code = writer.Write(text);
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        var cw = rotate ? code.Height : code.Width;
        var ch = rotate ? code.Width : code.Height;
        var left = (width - cw) / 2;
        var top = (height - ch) / 2;
        for (var y = 0; y < code.Height; y++)
        {
            for (var x = 0; x < code.Width; x++)
            {
                var value = code.Pixels[((y * code.Width) + x) * 4]; // BGRA, grey
                var (tx, ty) = rotate ? (left + y, top + (code.Width - 1 - x)) : (left + x, top + y);
                if (tx < 0 || ty < 0 || tx >= width || ty >= height)
                {
                    throw new InvalidOperationException("the barcode does not fit the label");
                }

                var i = ((ty * width) + tx) * 3;
                rgb[i] = rgb[i + 1] = rgb[i + 2] = value;
            }
        }

        return rgb;
    }

    private static int LabelDirectory(byte[] tiff)
    {
        var ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(4));
        while (ifd != 0)
        {
            var count = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(ifd));
            for (var e = 0; e < count; e++)
            {
                var entry = ifd + 2 + (e * 12);
                if (BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(entry)) == 270)
                {
                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(entry + 4));
                    var at = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(entry + 8));
                    if (System.Text.Encoding.ASCII.GetString(tiff, at, length).Contains("\nlabel ", StringComparison.Ordinal))
                    {
                        return ifd;
                    }
                }
            }

            ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(ifd + 2 + (count * 12)));
        }

        throw new InvalidDataException("no label directory");
    }

    private static int Entry(byte[] tiff, int ifd, ushort tag)
    {
        var count = BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(ifd));
        for (var e = 0; e < count; e++)
        {
            var entry = ifd + 2 + (e * 12);
            if (BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(entry)) == tag)
            {
                return entry;
            }
        }

        return -1;
    }

    private static uint Value(byte[] tiff, int ifd, ushort tag)
    {
        var entry = Entry(tiff, ifd, tag);
        return BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(entry + 2)) == 3
            ? BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(entry + 8))
            : BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(entry + 8));
    }

    private static void Patch(byte[] tiff, int ifd, ushort tag, ushort type, uint value, bool optional = false)
    {
        var entry = Entry(tiff, ifd, tag);
        if (entry < 0)
        {
            if (optional)
            {
                return;
            }

            throw new InvalidDataException($"no tag {tag}");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(entry + 2), type);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(entry + 4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(entry + 8), 0);
        if (type == 3)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(entry + 8), (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(entry + 8), value);
        }
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace EdgeRuntime.TaskKit.Images;

/// <summary>
/// Writes an 8-bit indexed-colour PNG (colour type 3) with a palette and, optionally, transparency for the first
/// entry: a label mask whose pixel values are the class indices themselves, which any image library reads back as
/// numbers (Pillow's mode "P") and any viewer shows in the palette's colours. Tasks need no image library for it.
/// </summary>
public static class IndexedPng
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Writes <paramref name="indices"/> (row-major, <paramref name="width"/> × <paramref name="height"/>) to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="indices">One palette index per pixel.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="palette">RGB colours, one per index in use (at most 256).</param>
    /// <param name="firstTransparent">Whether index 0 is transparent (no class: an overlay shows the slide through it).</param>
    /// <exception cref="ArgumentException">Sizes do not agree, or an index has no palette entry.</exception>
    public static void Write(string path, ReadOnlySpan<byte> indices, int width, int height, IReadOnlyList<(byte R, byte G, byte B)> palette, bool firstTransparent)
    {
        ArgumentNullException.ThrowIfNull(palette);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (palette.Count is 0 or > 256)
        {
            throw new ArgumentException($"A PNG palette has 1 to 256 entries, not {palette.Count}.", nameof(palette));
        }

        if (indices.Length != (long)width * height)
        {
            throw new ArgumentException($"{width} × {height} pixels need {(long)width * height} indices, got {indices.Length}.", nameof(indices));
        }

        foreach (var i in indices)
        {
            if (i >= palette.Count)
            {
                throw new ArgumentException($"Index {i} has no palette entry (the palette has {palette.Count}).", nameof(indices));
            }
        }

        using var file = File.Create(path);
        file.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bit depth
        header[9] = 3; // indexed colour
        Chunk(file, "IHDR", header);
        var plte = new byte[palette.Count * 3];
        for (var i = 0; i < palette.Count; i++)
        {
            (plte[i * 3], plte[(i * 3) + 1], plte[(i * 3) + 2]) = palette[i];
        }

        Chunk(file, "PLTE", plte);
        if (firstTransparent)
        {
            Chunk(file, "tRNS", [0]);
        }

        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(indices.Slice(y * width, width));
            }
        }

        Chunk(file, "IDAT", raw.GetBuffer().AsSpan(0, (int)raw.Length));
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var name = Encoding.ASCII.GetBytes(type);
        stream.Write(name);
        stream.Write(data);
        var crc = new Crc32();
        crc.Append(name);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        stream.Write(word);
    }
}

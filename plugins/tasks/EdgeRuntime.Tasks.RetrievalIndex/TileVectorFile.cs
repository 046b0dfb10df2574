using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>
/// One slide's tile embeddings as the index keeps them on disk: <c>{slide id}.tiles</c>, a header (magic, format,
/// dimension, count; since format 2 the slide's file name as it was dropped, so that a hit names its file without the
/// host's journal) and one record per tile (grid index, level-0 box, unit-length float32 vector). Written to a
/// <c>.part</c> file as batches arrive and renamed into place when complete, so a crash leaves the old file or the
/// new one, never half of one; re-processing a slide replaces its file whole.
/// </summary>
internal static class TileVectorFile
{
    public const string Extension = ".tiles";
    public const string PartExtension = ".part";
    private const int Magic = 0x49545245; // "ERTI" little-endian
    private const int Format = 2;
    private const int FixedHeaderBytes = 16;

    /// <summary>The most bytes of a file name kept (a name on Linux is at most 255).</summary>
    private const int MaxNameBytes = 1024;

    /// <summary>Record size for <paramref name="dimension"/>: index, four box values, the vector.</summary>
    public static int RecordBytes(int dimension) => 4 + (4 * 8) + (dimension * 4);

    /// <summary>Reads a file whole.</summary>
    /// <exception cref="InvalidDataException">Not a tile vector file, or cut short; the message names it.</exception>
    public static SlideTiles Read(string path, string slideId)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < FixedHeaderBytes || BinaryPrimitives.ReadInt32LittleEndian(bytes) != Magic)
        {
            throw new InvalidDataException($"{path}: not a tile vector file.");
        }

        var format = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));

        // Format 1 (before file names were kept) has no name; its slides answer without one.
        var nameBytes = format == 2 && bytes.Length >= FixedHeaderBytes + 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(FixedHeaderBytes)) : 0;
        var headerBytes = format == 2 ? FixedHeaderBytes + 4 + nameBytes : FixedHeaderBytes;
        if (format is not (1 or 2) || dimension < 1 || count < 0 || nameBytes is < 0 or > MaxNameBytes || bytes.Length != headerBytes + ((long)count * RecordBytes(dimension)))
        {
            throw new InvalidDataException($"{path}: format {format}, {count} tiles of {dimension} do not match its {bytes.Length} bytes.");
        }

        var fileName = format == 2 ? Encoding.UTF8.GetString(bytes, FixedHeaderBytes + 4, nameBytes) : null;
        var tiles = new SlideTiles(slideId, fileName, dimension, count);
        var record = RecordBytes(dimension);
        for (var i = 0; i < count; i++)
        {
            var r = bytes.AsSpan(headerBytes + (i * record), record);
            tiles.Indices[i] = BinaryPrimitives.ReadInt32LittleEndian(r);
            tiles.Boxes[i] = new TileBox(
                BinaryPrimitives.ReadInt64LittleEndian(r[4..]), BinaryPrimitives.ReadInt64LittleEndian(r[12..]),
                BinaryPrimitives.ReadInt64LittleEndian(r[20..]), BinaryPrimitives.ReadInt64LittleEndian(r[28..]));
            MemoryMarshal.Cast<byte, float>(r[36..]).CopyTo(tiles.Vectors.AsSpan(i * dimension, dimension));
        }

        return tiles;
    }

    /// <summary>Writes a slide's tiles as they come; <see cref="Commit"/> puts the file in place.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly FileStream stream;
        private readonly string target;
        private readonly byte[] record;
        private readonly byte[] name;
        private int count;

        public Writer(string target, int dimension, string fileName)
        {
            this.target = target;
            Dimension = dimension;
            name = Encoding.UTF8.GetBytes(fileName);
            if (name.Length > MaxNameBytes)
            {
                name = name[..MaxNameBytes];
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            stream = new FileStream(target + PartExtension, FileMode.Create, FileAccess.Write, FileShare.None);
            record = new byte[RecordBytes(dimension)];
            stream.Write(new byte[FixedHeaderBytes + 4 + name.Length]);
        }

        public int Dimension { get; }

        /// <summary>Appends one tile; <paramref name="unitVector"/> is already normalised.</summary>
        public void Add(TileRef tile, ReadOnlySpan<float> unitVector)
        {
            var r = record.AsSpan();
            BinaryPrimitives.WriteInt32LittleEndian(r, tile.Index);
            BinaryPrimitives.WriteInt64LittleEndian(r[4..], tile.Box.X);
            BinaryPrimitives.WriteInt64LittleEndian(r[12..], tile.Box.Y);
            BinaryPrimitives.WriteInt64LittleEndian(r[20..], tile.Box.Width);
            BinaryPrimitives.WriteInt64LittleEndian(r[28..], tile.Box.Height);
            MemoryMarshal.AsBytes(unitVector).CopyTo(r[36..]);
            stream.Write(record);
            count++;
        }

        /// <summary>Completes the header, flushes to the disk, and renames the file into place.</summary>
        public string Commit()
        {
            var header = new byte[FixedHeaderBytes + 4 + name.Length];
            BinaryPrimitives.WriteInt32LittleEndian(header, Magic);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), Format);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), Dimension);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), count);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(FixedHeaderBytes), name.Length);
            name.CopyTo(header, FixedHeaderBytes + 4);
            stream.Position = 0;
            stream.Write(header);
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            File.Move(target + PartExtension, target, overwrite: true);
            return target;
        }

        public void Dispose()
        {
            if (stream.CanWrite)
            {
                stream.Dispose();
                File.Delete(target + PartExtension);
            }
        }
    }
}

/// <summary>One slide's tiles in memory: its file name, grid indices, level-0 boxes, and unit vectors row by row.</summary>
internal sealed class SlideTiles(string slideId, string? fileName, int dimension, int count)
{
    public string SlideId { get; } = slideId;

    /// <summary>The slide's file name as it was dropped; null for a file indexed before names were kept (format 1).</summary>
    public string? FileName { get; } = fileName;

    public int Dimension { get; } = dimension;

    public int Count { get; } = count;

    public int[] Indices { get; } = new int[count];

    public TileBox[] Boxes { get; } = new TileBox[count];

    public float[] Vectors { get; } = new float[(long)count * dimension];

    public ReadOnlySpan<float> VectorOf(int i) => Vectors.AsSpan(i * Dimension, Dimension);
}

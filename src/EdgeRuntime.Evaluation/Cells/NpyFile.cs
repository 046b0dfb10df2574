using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// A NumPy <c>.npy</c> array read one leading-axis slice at a time (PanNuke's masks.npy is 8 GB of float64 per
/// fold: it is never read whole). Versions 1–3 of the format, C order, little-endian integers, booleans and floats.
/// Every field of the header is checked against bounds; errors name the file and what is wrong.
/// </summary>
public sealed partial class NpyFile : IDisposable
{
    /// <summary>The most elements one slice may hold (a 4096 × 4096 × 8 mask).</summary>
    public const long MaxSliceElements = 4096L * 4096 * 8;

    /// <summary>The most slices (samples) an array may hold.</summary>
    public const long MaxSlices = 1_000_000;

    private const int MaxHeaderBytes = 1 << 16;
    private readonly FileStream stream;
    private readonly long dataStart;
    private readonly byte[] buffer;

    private NpyFile(string path, FileStream stream, char kind, int itemSize, long[] shape, long dataStart)
    {
        Path = path;
        this.stream = stream;
        Kind = kind;
        ItemSize = itemSize;
        Shape = shape;
        this.dataStart = dataStart;
        SliceElements = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        buffer = new byte[checked((int)(SliceElements * itemSize))];
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>NumPy's kind: <c>u</c>, <c>i</c>, <c>b</c> or <c>f</c>.</summary>
    public char Kind { get; }

    /// <summary>Bytes per element.</summary>
    public int ItemSize { get; }

    /// <summary>The array's shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Elements in one slice along the first axis.</summary>
    public long SliceElements { get; }

    /// <summary>Opens <paramref name="path"/> and checks its header.</summary>
    /// <exception cref="InvalidDataException">The file is not a .npy array this reader takes; the message says why.</exception>
    public static NpyFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = File.OpenRead(path);
        try
        {
            Span<byte> preamble = stackalloc byte[12];
            if (stream.ReadAtLeast(preamble, 10, throwOnEndOfStream: false) < 10 || preamble[0] != 0x93 || !preamble[1..6].SequenceEqual("NUMPY"u8))
            {
                throw new InvalidDataException($"{path}: not a NumPy .npy file (no \\x93NUMPY magic).");
            }

            var major = preamble[6];
            int headerLength, headerStart;
            if (major == 1)
            {
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..10]);
                headerStart = 10;
            }
            else if (major is 2 or 3)
            {
                stream.Position = 8;
                Span<byte> length = stackalloc byte[4];
                stream.ReadExactly(length);
                var value = BinaryPrimitives.ReadUInt32LittleEndian(length);
                headerLength = value > MaxHeaderBytes ? throw new InvalidDataException($"{path}: a .npy header of {value} bytes (at most {MaxHeaderBytes}).") : (int)value;
                headerStart = 12;
            }
            else
            {
                throw new InvalidDataException($"{path}: .npy format version {major} (versions 1 to 3 are read).");
            }

            stream.Position = headerStart;
            var headerBytes = new byte[headerLength];
            if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
            {
                throw new InvalidDataException($"{path}: the .npy header is cut short.");
            }

            var header = Encoding.UTF8.GetString(headerBytes);
            var descr = DescrPattern().Match(header);
            var order = OrderPattern().Match(header);
            var shapeMatch = ShapePattern().Match(header);
            if (!descr.Success || !order.Success || !shapeMatch.Success)
            {
                throw new InvalidDataException($"{path}: the .npy header lacks 'descr', 'fortran_order' or 'shape' ({header.Trim()}).");
            }

            if (order.Groups[1].Value != "False")
            {
                throw new InvalidDataException($"{path}: the array is in Fortran order; save it in C order (numpy.ascontiguousarray).");
            }

            var (kind, size) = ParseDescr(path, descr.Groups[1].Value);
            var shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new InvalidDataException($"{path}: shape entry '{s}' is not a whole number.")).ToArray();
            if (shape.Length == 0)
            {
                throw new InvalidDataException($"{path}: a scalar array; expected one slice per sample along the first axis.");
            }

            if (shape[0] > MaxSlices)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: {shape[0]} samples (at most {MaxSlices})."));
            }

            var slice = 1L;
            foreach (var d in shape.Skip(1))
            {
                slice *= d;
                if (slice > MaxSliceElements)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: shape ({string.Join(", ", shape)}) has more than {MaxSliceElements} elements per sample."));
                }
            }

            var dataStart = headerStart + headerLength;
            var expected = dataStart + (shape[0] * slice * size);
            if (stream.Length < expected)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: shape ({string.Join(", ", shape)}) needs {expected} bytes but the file has {stream.Length}; it is truncated."));
            }

            return new NpyFile(path, stream, kind, size, shape, dataStart);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Slice <paramref name="index"/> (along the first axis) as whole numbers.</summary>
    /// <exception cref="InvalidDataException">A value is not a whole number in the range of an int.</exception>
    public int[] ReadIntSlice(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Shape[0]);
        stream.Position = dataStart + (index * SliceElements * ItemSize);
        stream.ReadExactly(buffer);
        var values = new int[SliceElements];
        for (var i = 0; i < values.Length; i++)
        {
            var v = Element(buffer.AsSpan(i * ItemSize, ItemSize));
            if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{Path}: sample {index}, element {i}: {v} is not a whole number (masks hold integer ids)."));
            }

            values[i] = (int)v;
        }

        return values;
    }

    /// <inheritdoc/>
    public void Dispose() => stream.Dispose();

    private double Element(ReadOnlySpan<byte> b) => (Kind, ItemSize) switch
    {
        ('b', 1) => b[0],
        ('u', 1) => b[0],
        ('i', 1) => (sbyte)b[0],
        ('u', 2) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ('i', 2) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ('u', 4) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ('i', 4) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ('u', 8) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        ('i', 8) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ('f', 4) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ('f', 8) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        _ => throw new InvalidOperationException("unreachable: checked at open"),
    };

    private static (char Kind, int Size) ParseDescr(string path, string descr)
    {
        if (descr.Length < 3 || descr[0] is not ('<' or '|' or '='))
        {
            throw new InvalidDataException($"{path}: dtype '{descr}' is not little-endian; save it with a little-endian dtype such as '<i4'.");
        }

        var kind = descr[1];
        if (!int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !((kind is 'u' or 'i' && size is 1 or 2 or 4 or 8) || (kind == 'b' && size == 1) || (kind == 'f' && size is 4 or 8)))
        {
            throw new InvalidDataException($"{path}: dtype '{descr}' is not read (integers, booleans, float32 or float64).");
        }

        return (kind, size);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}

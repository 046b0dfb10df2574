using System.Globalization;
using System.Text;

namespace EdgeRuntime.Evaluation.Tests.Cells;

/// <summary>Writes .npy arrays (format 1.0, C order) as numpy.save does, for tests.</summary>
internal static class NpyWriter
{
    public static void Write(string path, string descr, long[] shape, byte[] data, bool fortran = false)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, .. "NUMPY"u8, 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
    }

    public static void WriteInts(string path, long[] shape, int[] values) =>
        Write(path, "<i4", shape, values.SelectMany(BitConverter.GetBytes).ToArray());

    public static void WriteDoubles(string path, long[] shape, double[] values) =>
        Write(path, "<f8", shape, values.SelectMany(BitConverter.GetBytes).ToArray());
}

using System.Globalization;
using System.IO.Compression;
using System.Text;
using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.TaskKit.Tables;

/// <summary>
/// Per-tile predictions as gzip-compressed CSV beside the result: one row per tile with its grid position,
/// level-0 box, tissue share, top class and every class's probability. Rows are written as batches arrive
/// (in completion order; the index column gives the grid order), so no slide-sized table is held.
/// </summary>
public sealed class TileSidecarWriter : IDisposable
{
    private readonly StreamWriter writer;
    private readonly IReadOnlyList<string> classes;

    /// <summary>Creates <paramref name="path"/> and writes the header.</summary>
    public TileSidecarWriter(string path, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        classes = classNames;
        var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal);
        writer = new StreamWriter(gzip, new UTF8Encoding(false));
        writer.WriteLine("index,column,row,x,y,width,height,tissue,class," + string.Join(',', classNames.Select(c => "p_" + Csv(c))));
    }

    /// <summary>Writes one tile's row.</summary>
    public void Write(TileRef tile, int topClass, ReadOnlySpan<double> probabilities)
    {
        var inv = CultureInfo.InvariantCulture;
        var row = new StringBuilder();
        row.Append(inv, $"{tile.Index},{tile.Column},{tile.Row},{tile.Box.X},{tile.Box.Y},{tile.Box.Width},{tile.Box.Height},{tile.TissueFraction:0.####},{Csv(classes[topClass])}");
        foreach (var p in probabilities)
        {
            row.Append(',').Append(p.ToString("0.######", inv));
        }

        writer.WriteLine(row.ToString());
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();

    private static string Csv(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;
}

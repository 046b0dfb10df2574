using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EdgeRuntime.Cells.Outputs;

/// <summary>
/// A row per cell as gzip-compressed CSV (<c>cells.csv.gz</c>, which pandas and R read as they are): <c>id</c>,
/// centroid <c>x</c> and <c>y</c> in level-0 pixels, <c>class</c> (its name, empty when unclassified),
/// <c>probability</c>, <c>area_px</c> and, with a resolution, <c>area_um2</c>. Written as cells arrive.
/// </summary>
public sealed class CellTableWriter : IDisposable
{
    private readonly StreamWriter writer;
    private readonly IReadOnlyList<string> classNames;
    private readonly double scale;
    private readonly double? micronsPerPixel;

    /// <summary>Starts the table on <paramref name="stream"/> (closed with the writer).</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="classNames">Class names by class index.</param>
    /// <param name="scale">Level-0 pixels per cell coordinate unit.</param>
    /// <param name="micronsPerPixel">Level-0 µm per pixel (null: no µm² column).</param>
    public CellTableWriter(Stream stream, IReadOnlyList<string> classNames, double scale = 1, double? micronsPerPixel = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(classNames);
        (this.classNames, this.scale, this.micronsPerPixel) = (classNames, scale, micronsPerPixel);
        writer = new StreamWriter(new GZipStream(stream, CompressionLevel.Optimal), new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(micronsPerPixel is null ? "id,x,y,class,probability,area_px" : "id,x,y,class,probability,area_px,area_um2");
    }

    /// <summary>Number of rows written.</summary>
    public long Count { get; private set; }

    /// <summary>Writes one cell's row.</summary>
    public void Add(Cell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var name = cell.Class >= 0 && cell.Class < classNames.Count ? Quote(classNames[cell.Class]) : string.Empty;
        var area = cell.Area * scale * scale;
        var row = string.Create(CultureInfo.InvariantCulture, $"{++Count},{cell.CentroidX * scale:R},{cell.CentroidY * scale:R},{name},{cell.Probability:R},{area:R}");
        writer.WriteLine(micronsPerPixel is { } mpp ? string.Create(CultureInfo.InvariantCulture, $"{row},{area * mpp * mpp:R}") : row);
    }

    /// <summary>Finishes the gzip stream.</summary>
    public void Dispose() => writer.Dispose();

    private static string Quote(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

using System.Text.Json;

namespace EdgeRuntime.Cells.Outputs;

/// <summary>
/// Nuclei as QuPath reads detections (File › Import objects): a GeoJSON <c>FeatureCollection</c>, one
/// <c>Feature</c> per cell with a <c>Polygon</c> in level-0 pixel coordinates and <c>properties</c>
/// {<c>objectType</c>: "detection", <c>classification</c>: {name, color}, <c>measurements</c>: {name: value}}.
/// Written as cells arrive, so memory does not grow with the slide; the caller writes to a temporary file and
/// renames it when done.
/// </summary>
public sealed class CellGeoJsonWriter : IDisposable
{
    private readonly Utf8JsonWriter json;
    private readonly IReadOnlyList<string> classNames;
    private readonly IReadOnlyList<(byte R, byte G, byte B)> colours;
    private readonly double scale;
    private readonly double? micronsPerPixel;
    private bool disposed;

    /// <summary>Starts the collection on <paramref name="stream"/> (left open).</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="classNames">Class names by class index.</param>
    /// <param name="colours">A colour per class.</param>
    /// <param name="scale">Level-0 pixels per cell coordinate unit (the head's downsample; 1 when cells are in level-0 pixels).</param>
    /// <param name="micronsPerPixel">Level-0 µm per pixel, for areas in µm² (null: pixels only).</param>
    public CellGeoJsonWriter(Stream stream, IReadOnlyList<string> classNames, IReadOnlyList<(byte R, byte G, byte B)> colours, double scale = 1, double? micronsPerPixel = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(colours);
        if (colours.Count < classNames.Count)
        {
            throw new ArgumentException($"{colours.Count} colours for {classNames.Count} classes.", nameof(colours));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(scale, 0);
        (this.classNames, this.colours, this.scale, this.micronsPerPixel) = (classNames, colours, scale, micronsPerPixel);
        json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
    }

    /// <summary>Number of cells written.</summary>
    public long Count { get; private set; }

    /// <summary>Writes one cell (its coordinates times the scale).</summary>
    public void Add(Cell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ObjectDisposedException.ThrowIf(disposed, this);
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteStartObject("geometry");
        json.WriteString("type", "Polygon");
        json.WriteStartArray("coordinates");
        json.WriteStartArray();
        foreach (var (x, y) in cell.Contour.Append(cell.Contour[0]))
        {
            json.WriteStartArray();
            json.WriteNumberValue(x * scale);
            json.WriteNumberValue(y * scale);
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteString("objectType", "detection");
        if (cell.Class >= 0 && cell.Class < classNames.Count)
        {
            json.WriteStartObject("classification");
            json.WriteString("name", classNames[cell.Class]);
            json.WriteStartArray("color");
            json.WriteNumberValue(colours[cell.Class].R);
            json.WriteNumberValue(colours[cell.Class].G);
            json.WriteNumberValue(colours[cell.Class].B);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteStartObject("measurements");
        var areaPixels = cell.Area * scale * scale;
        json.WriteNumber("Area px^2", areaPixels);
        if (micronsPerPixel is { } mpp)
        {
            json.WriteNumber("Area µm^2", areaPixels * mpp * mpp);
        }

        json.WriteNumber("Class probability", cell.Probability);
        json.WriteNumber("Centroid X px", cell.CentroidX * scale);
        json.WriteNumber("Centroid Y px", cell.CentroidY * scale);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        Count++;
        if (json.BytesPending > 1 << 16)
        {
            json.Flush();
        }
    }

    /// <summary>Closes the collection and flushes.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        json.Dispose();
    }
}

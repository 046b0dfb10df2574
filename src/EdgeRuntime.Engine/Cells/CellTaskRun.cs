using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Cells;
using EdgeRuntime.Cells.Outputs;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Slides.Pixels;

namespace EdgeRuntime.Engine.Cells;

/// <summary>
/// One slide's cells. Each tile's nuclei are found in the tile, and a nucleus is kept only by the tile that owns its
/// centroid (the seam rule: the tile whose centre is nearest, on the grid's columns and rows), so no state crosses
/// tiles and nothing is held per cell: cells go straight to the GeoJSON and the table, and memory is flat in slide
/// size (a count per class, the overlay's one tile).
/// </summary>
internal sealed class CellTaskRun : ISlideTaskRun
{
    /// <summary>The QuPath detections file.</summary>
    public const string GeoJsonFile = "cells.geojson";

    /// <summary>The per-cell table.</summary>
    public const string TableFile = "cells.csv.gz";

    /// <summary>The overlay of the tile with the most cells.</summary>
    public const string OverlayFile = "cells-overlay.png";

    private readonly CellHead head;
    private readonly SlideInfo slide;
    private readonly SlideTaskContext context;
    private readonly double scale;
    private readonly double[] columnCentres;
    private readonly double[] rowCentres;
    private readonly FileStream geoJsonStream;
    private readonly CellGeoJsonWriter geoJson;
    private readonly CellTableWriter table;
    private readonly long[] counts;
    private readonly PostProcessingOptions options;
    private readonly TissueClassCounts? tissueCounts;
    private double tissueMm2;
    private long tiles;
    private long seen;
    private (int Kept, byte[] Rgb, int[] Labels, Dictionary<int, int> ClassOf, TileRef Tile)? best;

    public CellTaskRun(CellHead head, SlideInfo slide, SlideTaskContext context)
    {
        this.head = head;
        this.slide = slide;
        this.context = context;
        var grid = context.Grid;
        scale = (double)grid.TileSizeLevel0 / grid.TileSize;
        columnCentres = Centres(grid.Columns, grid.StrideLevel0, grid.TileSizeLevel0, slide.Width);
        rowCentres = Centres(grid.Rows, grid.StrideYLevel0, grid.TileHeightLevel0 > 0 ? grid.TileHeightLevel0 : grid.TileSizeLevel0, slide.Height);
        var p = head.Manifest.PostProcessing;
        options = new PostProcessingOptions(p.ForegroundThreshold, p.MarkerDistance, MinimumArea: p.MinimumArea);
        var names = head.Manifest.Classes.Select(c => c.Name).ToList();
        counts = new long[names.Count];
        // A host older than contract 2.1 gives no strides: then there is no raster to join a tissue map with.
        tissueCounts = grid.StrideLevel0 > 0 && grid.StrideYLevel0 > 0 ? new TissueClassCounts(grid.StrideLevel0, grid.StrideYLevel0, slide.Width, slide.Height, names.Count) : null;
        var mpp = slide.Resolution.MicronsPerPixel;
        geoJsonStream = new FileStream(Path.Combine(context.OutputDirectory, GeoJsonFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        geoJson = new CellGeoJsonWriter(geoJsonStream, names, head.Colours, scale, mpp);
        table = new CellTableWriter(new FileStream(Path.Combine(context.OutputDirectory, TableFile), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), names, scale, mpp);
    }

    /// <inheritdoc />
    public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var size = head.TileSize;
        var n = size * size;
        var classes = counts.Length;
        var (nucleus, distance, probabilities) = head.Run(batch, 0, batch.Tiles.Count);
        for (var t = 0; t < batch.Tiles.Count; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tile = batch.Tiles[t];
            var maps = new CellMaps(size, size, nucleus.AsSpan(t * n, n).ToArray(), distance.AsSpan(t * n, n).ToArray(), null, null, probabilities.AsSpan(t * classes * n, classes * n).ToArray(), classes);
            var (labels, found) = CellPostProcessing.Run(maps, options);
            seen += found.Count;
            tiles++;
            tissueMm2 += OwnedMm2(tile) * tile.TissueFraction;
            var kept = 0;
            foreach (var cell in found)
            {
                var onSlide = cell.Offset(tile.Box.X / scale, tile.Box.Y / scale);
                if (Owner(columnCentres, onSlide.CentroidX * scale) != tile.Column || Owner(rowCentres, onSlide.CentroidY * scale) != tile.Row)
                {
                    continue; // its centroid is another tile's: that tile keeps it (whole)
                }

                geoJson.Add(onSlide);
                table.Add(onSlide);
                if (cell.Class >= 0)
                {
                    counts[cell.Class]++;
                    tissueCounts?.Add(onSlide.CentroidX * scale, onSlide.CentroidY * scale, cell.Class);
                }

                kept++;
            }

            if (batch.Pixels is { } pixels && kept > (best?.Kept ?? 0))
            {
                best = (kept, pixels.PixelsOf(t).ToArray(), labels, found.ToDictionary(c => c.Label, c => c.Class), tile);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
    {
        geoJson.Dispose();
        geoJsonStream.Dispose();
        table.Dispose();
        var total = counts.Sum();
        string? overlay = null;
        if (best is { } b)
        {
            PngFile.WriteAtomically(Path.Combine(context.OutputDirectory, OverlayFile), PngFile.Encode(CellOverlay.Render(b.Rgb, b.Labels, b.ClassOf, head.TileSize, head.Colours, 2)));
            overlay = OverlayFile;
        }

        var m = head.Manifest;
        var result = new JsonObject
        {
            ["head"] = new JsonObject
            {
                ["id"] = head.Identity.Id,
                ["version"] = head.Identity.Version,
                ["sha256"] = head.Identity.Sha256,
                ["name"] = m.Name,
                ["encoder"] = new JsonObject { ["id"] = m.Encoder.Id, ["version"] = m.Encoder.Version, ["sha256"] = m.Encoder.Sha256 },
            },
            ["cells"] = total,
            ["tissueMm2"] = Math.Round(tissueMm2, 6),
            ["cellsPerMm2"] = tissueMm2 > 0 ? Math.Round(total / tissueMm2, 2) : null,
            ["classes"] = new JsonArray([.. m.Classes.Select((c, i) => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["colour"] = c.Colour,
                ["count"] = counts[i],
                ["perMm2"] = tissueMm2 > 0 ? Math.Round(counts[i] / tissueMm2, 2) : null,
            })]),
            ["tiles"] = tiles,
            // Nuclei the tiles saw, pieces on seams included, against those kept: what the seam rule removed.
            ["nucleiSeenInTiles"] = seen,
            // Filled by the engine once every task has completed, where a task gave a tissue map (JoinTissueMap).
            ["tissueClasses"] = null,
            ["files"] = new JsonObject { ["geojson"] = GeoJsonFile, ["table"] = TableFile, ["overlay"] = overlay },
            ["overlayTile"] = best is { } o ? new JsonObject { ["x"] = o.Tile.Box.X, ["y"] = o.Tile.Box.Y, ["width"] = o.Tile.Box.Width, ["height"] = o.Tile.Box.Height } : null,
        };
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// Cells per mm² of each tissue class of <paramref name="map"/>, the tissue map task <paramref name="mapTask"/> made
    /// of the same slide; null when this run kept no raster (a host without the grid's strides).
    /// </summary>
    public JsonObject? JoinTissueMap(ICellClassMap map, string mapTask)
    {
        ArgumentNullException.ThrowIfNull(map);
        return tissueCounts?.Join(map, mapTask, [.. head.Manifest.Classes.Select(c => c.Name)], slide.Width, slide.Height, slide.Resolution.MicronsPerPixelX, slide.Resolution.MicronsPerPixelY);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        geoJson.Dispose();
        geoJsonStream.Dispose();
        table.Dispose();
        return ValueTask.CompletedTask;
    }

    // Tile centres along one axis: every tile at index × stride, the last shifted inward to end at the slide's edge.
    private static double[] Centres(int count, double stride, long size, long slideSize)
    {
        var centres = new double[Math.Max(count, 1)];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = Math.Min(i * stride, Math.Max(0, slideSize - size)) + (size / 2.0);
        }

        return centres;
    }

    private static int Owner(double[] centres, double at)
    {
        var owner = 0;
        for (var i = 1; i < centres.Length; i++)
        {
            if (Math.Abs(centres[i] - at) < Math.Abs(centres[owner] - at))
            {
                owner = i;
            }
        }

        return owner;
    }

    // The share of the slide whose centroids this tile owns (half-way to each neighbour's centre; to the slide's edge at
    // the border), in mm².
    private double OwnedMm2(TileRef tile)
    {
        static (double, double) Span(double[] c, int i, long slideSize) =>
            (i == 0 ? 0 : (c[i - 1] + c[i]) / 2, i == c.Length - 1 ? slideSize : (c[i] + c[i + 1]) / 2);
        var (x0, x1) = Span(columnCentres, Math.Min(tile.Column, columnCentres.Length - 1), slide.Width);
        var (y0, y1) = Span(rowCentres, Math.Min(tile.Row, rowCentres.Length - 1), slide.Height);
        var mm = slide.Resolution.MicronsPerPixel / 1000;
        return (x1 - x0) * (y1 - y0) * mm * mm;
    }
}

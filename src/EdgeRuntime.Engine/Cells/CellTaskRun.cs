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
/// One slide's cells. Each tile's nuclei are found in the tile; a nucleus only one tile reaches is kept by it at once,
/// and the copies of a nucleus in the overlap of tiles are decided together once the tiles around them have arrived
/// (the seam rule, <see cref="SeamMerge"/>: the tile owning the centroid of their union keeps its copy), so tiles that
/// segment a nucleus on their seam differently neither keep it twice nor drop it. Kept cells go straight to the
/// GeoJSON and the table; memory holds a count per class, the overlay's one tile and the copies in about two rows of
/// tiles' overlaps, whatever the slide's height.
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
    private readonly SeamMerge seams;
    private readonly List<Cell> decided = [];

    // Tiles arrive in batches in completion order: the tiles of the longest run of indices all seen, and where the
    // last of them lies, tell the seam rule which groups are complete.
    private readonly Dictionary<int, (int Column, int Row)> arrivedAhead = [];
    private int nextIndex;
    private (int Column, int Row) lastInRun;
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
        var tileHeight = grid.TileHeightLevel0 > 0 ? grid.TileHeightLevel0 : grid.TileSizeLevel0;
        rowCentres = Centres(grid.Rows, grid.StrideYLevel0, tileHeight, slide.Height);
        // The seam rule works in the head's pixels on the slide, as the cells are.
        seams = new SeamMerge(new SeamGrid(
            [.. columnCentres.Select(c => (c - (grid.TileSizeLevel0 / 2.0)) / scale)],
            [.. rowCentres.Select(c => (c - (tileHeight / 2.0)) / scale)],
            grid.TileSizeLevel0 / scale,
            tileHeight / scale));
        var p = head.Manifest.PostProcessing;
        options = new PostProcessingOptions(p.ForegroundThreshold, p.MarkerDistance, MinimumArea: p.MinimumArea, ClassSplitArea: p.ClassSplitArea);
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
            seams.Add(tile.Column, tile.Row, tile.Box.X / scale, tile.Box.Y / scale, found, decided);
            Arrived(tile);

            // The overlay's tile: the one with the most cells whose own centroid it owns (a picture, not a count).
            var owned = found.Count(c => Owner(columnCentres, tile.Box.X + (c.CentroidX * scale)) == tile.Column && Owner(rowCentres, tile.Box.Y + (c.CentroidY * scale)) == tile.Row);
            if (batch.Pixels is { } pixels && owned > (best?.Kept ?? 0))
            {
                best = (owned, pixels.PixelsOf(t).ToArray(), labels, found.ToDictionary(c => c.Label, c => c.Class), tile);
            }
        }

        if (nextIndex > 0)
        {
            seams.SeenThrough(lastInRun.Column, lastInRun.Row, decided);
        }

        Write();
        return ValueTask.CompletedTask;
    }

    private void Arrived(TileRef tile)
    {
        arrivedAhead[tile.Index] = (tile.Column, tile.Row);
        while (arrivedAhead.Remove(nextIndex, out var at))
        {
            lastInRun = at;
            nextIndex++;
        }
    }

    // The cells the seam rule has decided, to the files and the counts.
    private void Write()
    {
        foreach (var onSlide in decided)
        {
            geoJson.Add(onSlide);
            table.Add(onSlide);
            if (onSlide.Class >= 0)
            {
                counts[onSlide.Class]++;
                tissueCounts?.Add(onSlide.CentroidX * scale, onSlide.CentroidY * scale, onSlide.Class);
            }
        }

        decided.Clear();
    }

    /// <inheritdoc />
    public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
    {
        seams.Finish(decided);
        Write();
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

    // Tile centres along one axis: every tile at index × stride (rounded, as the tiles' boxes), the last shifted inward
    // to end at the slide's edge.
    private static double[] Centres(int count, double stride, long size, long slideSize)
    {
        var centres = new double[Math.Max(count, 1)];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = Math.Max(0, Math.Min(Math.Round(i * stride), slideSize - size)) + (size / 2.0);
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

using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Engine.Cells;

/// <summary>
/// A slide's kept cells counted per class on a raster of the tile grid's stride (level-0 cells of stride × stride from
/// the origin, as the segmentation task's map), so that once a tissue map exists the cells are joined with it: cells per
/// mm² of each tissue class (lymphocytes per mm² of tumour stroma). Memory is the raster's, a few counts per stride
/// cell, as fine as and no larger than the tissue map itself: flat in the number of cells.
/// </summary>
internal sealed class TissueClassCounts
{
    private readonly double strideX;
    private readonly double strideY;
    private readonly int columns;
    private readonly int rows;
    private readonly int classes;
    private readonly int[] counts;

    public TissueClassCounts(double strideX, double strideY, long slideWidth, long slideHeight, int classes)
    {
        this.strideX = strideX;
        this.strideY = strideY;
        this.classes = classes;
        columns = Math.Max(1, (int)Math.Ceiling(slideWidth / strideX));
        rows = Math.Max(1, (int)Math.Ceiling(slideHeight / strideY));
        counts = new int[columns * rows * classes];
    }

    /// <summary>Counts a cell of class <paramref name="cls"/> whose centroid is at (<paramref name="x"/>, <paramref name="y"/>) in level-0 pixels.</summary>
    public void Add(double x, double y, int cls)
    {
        if (cls < 0 || cls >= classes)
        {
            return;
        }

        var column = Math.Clamp((int)Math.Floor(x / strideX), 0, columns - 1);
        var row = Math.Clamp((int)Math.Floor(y / strideY), 0, rows - 1);
        counts[(((row * columns) + column) * classes) + cls]++;
    }

    /// <summary>
    /// The densities per tissue class of <paramref name="map"/> (task <paramref name="mapTask"/>): each tissue class's
    /// area (its map cells, each clipped to the slide, as the segmentation task measures them), the cells whose
    /// centroid lies in it, per cell class, and their counts per mm².
    /// </summary>
    public JsonObject Join(ICellClassMap map, string mapTask, IReadOnlyList<string> cellClasses, long slideWidth, long slideHeight, double micronsPerPixelX, double micronsPerPixelY)
    {
        var tissueClasses = map.ClassNames.Count;
        var areaPx = new double[tissueClasses];
        for (var y = 0; y < map.Rows; y++)
        {
            for (var x = 0; x < map.Columns; x++)
            {
                var k = map.ClassOfCell(x, y);
                if (k >= 0 && k < tissueClasses)
                {
                    var w = Math.Max(0, Math.Min((x + 1) * map.CellWidthLevel0, slideWidth) - (x * map.CellWidthLevel0));
                    var h = Math.Max(0, Math.Min((y + 1) * map.CellHeightLevel0, slideHeight) - (y * map.CellHeightLevel0));
                    areaPx[k] += w * h;
                }
            }
        }

        var found = new long[tissueClasses, classes];
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                // The tissue class at the raster cell's centre: with the segmentation task's map (cells of the grid's
                // stride from the origin) each raster cell is exactly one map cell.
                var mapColumn = Math.Min((int)Math.Floor((column + 0.5) * strideX / map.CellWidthLevel0), map.Columns - 1);
                var mapRow = Math.Min((int)Math.Floor((row + 0.5) * strideY / map.CellHeightLevel0), map.Rows - 1);
                var k = map.ClassOfCell(mapColumn, mapRow);
                if (k < 0 || k >= tissueClasses)
                {
                    continue;
                }

                for (var c = 0; c < classes; c++)
                {
                    found[k, c] += counts[(((row * columns) + column) * classes) + c];
                }
            }
        }

        var squareMmPerPixel = micronsPerPixelX * micronsPerPixelY / 1e6;
        var perTissue = new JsonArray();
        for (var k = 0; k < tissueClasses; k++)
        {
            var mm2 = areaPx[k] * squareMmPerPixel;
            var total = Enumerable.Range(0, classes).Sum(c => found[k, c]);
            perTissue.Add(new JsonObject
            {
                ["name"] = map.ClassNames[k],
                ["areaMm2"] = Math.Round(mm2, 6),
                ["cells"] = total,
                ["cellsPerMm2"] = mm2 > 0 ? Math.Round(total / mm2, 2) : null,
                ["classes"] = new JsonArray([.. Enumerable.Range(0, classes).Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = cellClasses[c],
                    ["count"] = found[k, c],
                    ["perMm2"] = mm2 > 0 ? Math.Round(found[k, c] / mm2, 2) : null,
                })]),
            });
        }

        return new JsonObject { ["map"] = mapTask, ["classes"] = perTissue };
    }
}

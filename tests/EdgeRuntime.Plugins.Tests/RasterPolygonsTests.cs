using System.Text.Json.Nodes;
using EdgeRuntime.TaskKit.Segmentation;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Plugins.Tests;

/// <summary>The raster-to-polygon tracing behind segmentation GeoJSON, on shapes that trip naive tracers, checked by shapely.</summary>
public sealed class RasterPolygonsTests
{
    [Theory]
    // Two cells touching only at a corner: two polygons, not one ring through the corner.
    [InlineData("10|01", 2, 0)]
    // A ring of cells around a hole.
    [InlineData("111|101|111", 1, 1)]
    // Cells joined only through corners are separate polygons (4-connectivity), and leave no hole.
    [InlineData("0110|1001|1001|0110", 4, 0)]
    [InlineData("1110|1001|1001|0111", 2, 0)]
    // One polygon wrapping round a hole that touches the outside at a corner: the walk comes back through that
    // corner, and the loop becomes a hole touching the shell at one point (valid in OGC's rules).
    [InlineData("1110|1010|1100", 1, 1)]
    // An island inside a hole inside a shell: two polygons, the outer with one hole.
    [InlineData("11111|10001|10101|10001|11111", 2, 1)]
    // Two holes meeting at a corner.
    [InlineData("1111|1011|1101|1111", 1, 2)]
    public void Polygons_are_valid_cover_exactly_the_cells_and_keep_holes(string raster, int polygons, int holes)
    {
        var rows = raster.Split('|');
        var (width, height) = (rows[0].Length, rows.Length);
        var labels = rows.SelectMany(r => r.Select(c => c - '0')).ToArray();
        var traced = RasterPolygons.Trace(labels, width, height, 1);
        Assert.Equal(polygons, traced.Count);
        Assert.Equal(holes, traced.Sum(p => p.Holes.Count));

        // shapely, an independent geometry library, must find the multipolygon valid, with the area of the cells.
        var coordinates = new JsonArray(traced.Select(p => (JsonNode)new JsonArray(
            new[] { p.Shell }.Concat(p.Holes).Select(r => (JsonNode)new JsonArray(r.Append(r[0]).Select(v => (JsonNode)new JsonArray(v.X, v.Y)).ToArray())).ToArray())).ToArray());
        var geometry = new JsonObject { ["type"] = "MultiPolygon", ["coordinates"] = coordinates }.ToJsonString();
        var answer = ExternalTool.Python(
            "import sys, json; from shapely.geometry import shape; from shapely.validation import explain_validity; g = shape(json.loads(sys.argv[1])); print(g.is_valid, g.area, explain_validity(g))",
            geometry).Trim().Split(' ', 3);
        Assert.True(answer[0] == "True", $"{raster}: {answer[2]}");
        Assert.Equal(labels.Count(l => l == 1), double.Parse(answer[1], System.Globalization.CultureInfo.InvariantCulture));
        // RFC 7946 winding: shells counter-clockwise, holes clockwise.
        Assert.All(traced, p => Assert.True(RasterPolygons.SignedArea(p.Shell) > 0));
        Assert.All(traced.SelectMany(p => p.Holes), h => Assert.True(RasterPolygons.SignedArea(h) < 0));
    }
}

using System.Text.Json.Nodes;
using EdgeRuntime.Cells;
using EdgeRuntime.Cells.Outputs;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cells.Tests;

/// <summary>
/// The outputs read back by independent tools: the GeoJSON by shapely (valid polygons whose areas are the nuclei's
/// pixel counts, in level-0 coordinates, as QuPath detections with their classes and measurements), the table by
/// Python's gzip and csv modules.
/// </summary>
public sealed class CellOutputsTests : IDisposable
{
    private static readonly string[] Names = ["tumour", "lymphocyte", "stroma, other"];
    private static readonly (byte, byte, byte)[] Colours = [(200, 0, 0), (0, 0, 200), (0, 160, 0)];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Detections_and_the_cell_table_carry_every_nucleus_in_level_0_coordinates()
    {
        // The head ran at half resolution (scale 2) on a tile whose origin is (1000, 2000) in its own pixels.
        var discs = new KnownDiscs(128, 128, seed: 3, discs: 12, touchingPairs: 3);
        var maps = new CellMaps(128, 128, discs.Foreground, discs.Distance, null, null, discs.ClassProbabilities, KnownDiscs.Classes);
        var cells = CellPostProcessing.Describe(discs.Labels, maps).Cells.Select(c => c.Offset(1000, 2000)).ToList();
        var pixels = discs.Labels.Where(l => l > 0).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());

        var geojson = temp.File("cells.geojson");
        var table = temp.File("cells.csv.gz");
        using (var stream = File.Create(geojson))
        using (var writer = new CellGeoJsonWriter(stream, Names, Colours, scale: 2, micronsPerPixel: 0.25))
        {
            cells.ForEach(writer.Add);
        }

        using (var writer = new CellTableWriter(File.Create(table), Names, scale: 2, micronsPerPixel: 0.25))
        {
            cells.ForEach(writer.Add);
        }

        var report = JsonNode.Parse(ExternalTool.Python(
            """
            import json, sys, gzip, csv
            from shapely.geometry import shape
            fc = json.load(open(sys.argv[1]))
            features = []
            for f in fc["features"]:
                g = shape(f["geometry"])
                p = f["properties"]
                features.append({"valid": g.is_valid, "area": g.area, "type": f["geometry"]["type"], "objectType": p["objectType"],
                    "class": p["classification"]["name"], "color": p["classification"]["color"], "measurements": p["measurements"],
                    "contains": g.contains(g.centroid), "bounds": list(g.bounds)})
            rows = list(csv.DictReader(gzip.open(sys.argv[2], "rt", encoding="utf-8")))
            print(json.dumps({"type": fc["type"], "features": features, "rows": rows}))
            """,
            geojson, table))!;

        Assert.Equal("FeatureCollection", report["type"]!.GetValue<string>());
        var features = report["features"]!.AsArray();
        var rows = report["rows"]!.AsArray();
        Assert.Equal(discs.Discs.Count, features.Count);
        Assert.Equal(discs.Discs.Count, rows.Count);
        for (var i = 0; i < cells.Count; i++)
        {
            var f = features[i]!;
            var disc = discs.Discs[cells[i].Label - 1];
            Assert.True(f["valid"]!.GetValue<bool>());
            Assert.Equal("Polygon", f["type"]!.GetValue<string>());
            Assert.Equal("detection", f["objectType"]!.GetValue<string>());
            Assert.Equal(Names[disc.Class], f["class"]!.GetValue<string>());
            Assert.Equal(Colours[disc.Class].Item1, f["color"]![0]!.GetValue<int>());

            // Areas: the nucleus's pixels × 2² in level-0 pixels, × 0.25² in µm².
            var area = pixels[cells[i].Label] * 4.0;
            Assert.Equal(area, f["area"]!.GetValue<double>(), 9);
            Assert.Equal(area, f["measurements"]!["Area px^2"]!.GetValue<double>(), 9);
            Assert.Equal(area * 0.0625, f["measurements"]!["Area µm^2"]!.GetValue<double>(), 9);

            // Level 0: the disc's centre (tile pixels, + origin) × 2 lies inside the polygon's bounds.
            var bounds = f["bounds"]!.AsArray().Select(b => b!.GetValue<double>()).ToArray();
            double cx = (disc.X + 1000) * 2, cy = (disc.Y + 2000) * 2;
            Assert.InRange(cx, bounds[0], bounds[2]);
            Assert.InRange(cy, bounds[1], bounds[3]);

            var row = rows[i]!;
            Assert.Equal(Names[disc.Class], row["class"]!.GetValue<string>());
            // The centroid: the disc's centre within a tile pixel (a touching neighbour takes part of a disc).
            Assert.InRange(double.Parse(row["x"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) - cx, -2, 2);
            Assert.InRange(double.Parse(row["y"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) - cy, -2, 2);
            Assert.Equal(area * 0.0625, double.Parse(row["area_um2"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), 9);
        }
    }
}

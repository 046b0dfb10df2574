using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.TaskKit.Segmentation;

/// <summary>
/// A class map's regions as GeoJSON that QuPath imports as annotations (File › Import objects): a
/// <c>FeatureCollection</c> with one feature per class, a <c>MultiPolygon</c> in level-0 pixel coordinates with holes
/// kept, and <c>properties.objectType</c> "annotation" with <c>classification</c> {name, color} in QuPath's form.
/// </summary>
public static class QuPathGeoJson
{
    /// <summary>The feature collection of every class present in <paramref name="map"/>.</summary>
    public static JsonObject Of(ClassMap map, IReadOnlyList<string> classNames, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(classNames);
        var features = new JsonArray();
        for (var c = 0; c < classNames.Count; c++)
        {
            var polygons = RasterPolygons.Trace(labels, map.Columns, map.Rows, c);
            if (polygons.Count == 0)
            {
                continue;
            }

            var coordinates = new JsonArray();
            foreach (var polygon in polygons)
            {
                var rings = new JsonArray { Ring(map, polygon.Shell) };
                foreach (var hole in polygon.Holes)
                {
                    rings.Add(Ring(map, hole));
                }

                coordinates.Add(rings);
            }

            var (r, g, b) = ClassColours.Of(c);
            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["id"] = classNames[c],
                ["geometry"] = new JsonObject { ["type"] = "MultiPolygon", ["coordinates"] = coordinates },
                ["properties"] = new JsonObject
                {
                    ["objectType"] = "annotation",
                    ["classification"] = new JsonObject { ["name"] = classNames[c], ["color"] = new JsonArray(r, g, b) },
                    ["isLocked"] = false,
                },
            });
        }

        return new JsonObject { ["type"] = "FeatureCollection", ["features"] = features };
    }

    private static JsonArray Ring(ClassMap map, IReadOnlyList<(int X, int Y)> ring)
    {
        // GeoJSON closes a ring by repeating its first position.
        var positions = new JsonArray();
        foreach (var (x, y) in ring.Append(ring[0]))
        {
            positions.Add(new JsonArray(map.Boundary(x, map.SlideWidth), map.Boundary(y, map.SlideHeight)));
        }

        return positions;
    }
}

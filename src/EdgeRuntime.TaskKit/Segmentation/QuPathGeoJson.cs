using System.Security.Cryptography;
using System.Text;
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
    /// <param name="map">The class map.</param>
    /// <param name="classNames">Class names, by label.</param>
    /// <param name="labels">Every cell's label (<see cref="ClassMap.Labels"/>).</param>
    /// <param name="slideId">Makes each feature's id: QuPath reads <c>id</c> as a UUID, so it is one derived from the slide and class.</param>
    public static JsonObject Of(ClassMap map, IReadOnlyList<string> classNames, int[] labels, string slideId)
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
                ["id"] = NameBasedUuid($"edgeruntime:{slideId}:{classNames[c]}"),
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

    // An RFC 9562 version 8 (custom) UUID from SHA-256 of the name: the same slide and class give the same id on every
    // run, so re-importing a re-processed slide's annotations names the same objects.
    internal static string NameBasedUuid(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash, 0, 16);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static JsonArray Ring(ClassMap map, IReadOnlyList<(int X, int Y)> ring)
    {
        // GeoJSON closes a ring by repeating its first position.
        var positions = new JsonArray();
        foreach (var (x, y) in ring.Append(ring[0]))
        {
            positions.Add(new JsonArray(map.BoundaryX(x), map.BoundaryY(y)));
        }

        return positions;
    }
}

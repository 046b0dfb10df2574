using EdgeRuntime.Cells;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cells.Tests;

/// <summary>
/// Maps a perfect head would predict for known discs, touching pairs included, turned back into instances by
/// marker-controlled watershed: every disc recovered once (IoU &gt; 0.5), with its centroid, class and probability.
/// </summary>
public sealed class PostProcessingTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("distance", 1)]
    [InlineData("distance", 2)]
    [InlineData("hv", 1)]
    [InlineData("hv", 2)]
    public void Known_discs_touching_ones_included_are_recovered_one_each(string kind, int seed)
    {
        var discs = new KnownDiscs(256, 256, seed);
        Assert.True(discs.TouchingPairs >= 4, $"only {discs.TouchingPairs} touching pairs generated");

        // Without markers, thresholding merges every touching pair: what the watershed has to undo.
        var plain = Watershed.Components(discs.Foreground.Select(v => v > 0.5f).ToArray(), discs.Width, discs.Height, out var blobs);
        Assert.Equal(discs.Discs.Count - discs.TouchingPairs, blobs);

        var (labels, cells) = CellPostProcessing.Run(kind == "distance" ? discs.DistanceMaps() : discs.HvMaps());
        var match = Match(discs.Labels, labels);
        log.WriteLine($"{kind} seed {seed}: {discs.Discs.Count} discs ({discs.TouchingPairs} touching pairs), {cells.Count} instances, {match.Count} matched at IoU > 0.5, mean IoU {match.Values.Average(m => m.Iou):0.000}, worst {match.Values.Min(m => m.Iou):0.000}");
        Assert.Equal(discs.Discs.Count, cells.Count);
        Assert.Equal(discs.Discs.Count, match.Count);
        Assert.All(match.Values, m => Assert.True(m.Iou > 0.9, $"IoU {m.Iou}"));

        foreach (var (truth, (found, iou)) in match)
        {
            var cell = cells[found - 1];
            var disc = discs.Discs[truth - 1];
            Assert.Equal(disc.Class, cell.Class);
            // The mean of its class's probability over its pixels: 0.8 on its own pixels, 0.1 on the few of a touching
            // neighbour the watershed gave it.
            Assert.InRange(cell.Probability, 0.8 - (1.4 * (1 - iou)) - 1e-6, 0.8 + 1e-6);
            Assert.True(double.Hypot(cell.CentroidX - disc.X, cell.CentroidY - disc.Y) < 1.0, $"disc at ({disc.X:0.0}, {disc.Y:0.0}) found at ({cell.CentroidX:0.0}, {cell.CentroidY:0.0})");
            Assert.Equal(cell.Area, Math.Abs(ShoelaceArea(cell.Contour)), 9);
            Assert.True(Inside(cell.Contour, cell.CentroidX, cell.CentroidY));
        }
    }

    [Theory]
    [InlineData("distance")]
    [InlineData("hv")]
    public void Blurred_noisy_maps_still_give_back_the_discs(string kind)
    {
        // What a trained head gives is softer than the perfect maps: every map box-blurred (3 × 3) with uniform noise
        // of ±0.1 added.
        var discs = new KnownDiscs(256, 256, seed: 5);
        var random = new Random(6);
        float[] Soften(float[] map)
        {
            var blurred = new float[map.Length];
            for (var y = 0; y < discs.Height; y++)
            {
                for (var x = 0; x < discs.Width; x++)
                {
                    float sum = 0;
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            sum += map[(Math.Clamp(y + dy, 0, discs.Height - 1) * discs.Width) + Math.Clamp(x + dx, 0, discs.Width - 1)];
                        }
                    }

                    blurred[(y * discs.Width) + x] = (sum / 9) + (float)((random.NextDouble() - 0.5) * 0.2);
                }
            }

            return blurred;
        }

        var maps = kind == "distance"
            ? new CellMaps(discs.Width, discs.Height, Soften(discs.Foreground), Soften(discs.Distance), null, null, discs.ClassProbabilities, KnownDiscs.Classes)
            : new CellMaps(discs.Width, discs.Height, Soften(discs.Foreground), null, Soften(discs.Horizontal), Soften(discs.Vertical), discs.ClassProbabilities, KnownDiscs.Classes);
        var (labels, cells) = CellPostProcessing.Run(maps);
        var match = Match(discs.Labels, labels);
        log.WriteLine($"{kind}, blurred and noisy: {discs.Discs.Count} discs, {cells.Count} instances, {match.Count} matched at IoU > 0.5, mean IoU {match.Values.Average(m => m.Iou):0.000}");
        Assert.Equal(discs.Discs.Count, match.Count);
        Assert.Equal(discs.Discs.Count, cells.Count);
        Assert.All(match.Values, m => Assert.True(m.Iou > 0.8, $"IoU {m.Iou}"));
    }

    [Fact]
    public void Contours_follow_pixel_edges_clockwise_and_never_touch_themselves()
    {
        // A plus sign, an L, and a ring whose hole is left out of its outer boundary.
        const int W = 12;
        var rows = new[]
        {
            "............",
            ".1....22....",
            "111...2.....",
            ".1....222...",
            "............",
            "..3333......",
            "..3..3......",
            "..3333......",
        };
        var labels = string.Concat(rows).Select(c => c == '.' ? 0 : c - '0').ToArray();
        var maps = new CellMaps(W, rows.Length, new float[W * rows.Length], new float[W * rows.Length], null, null, null, 0);
        var (_, cells) = CellPostProcessing.Describe(labels, maps);
        Assert.Equal([(1.0, 1.0), (2, 1), (2, 2), (3, 2), (3, 3), (2, 3), (2, 4), (1, 4), (1, 3), (0, 3), (0, 2), (1, 2)], cells[0].Contour);
        Assert.Equal(5, ShoelaceArea(cells[0].Contour)); // positive: clockwise with y down
        Assert.Equal(6, ShoelaceArea(cells[1].Contour));
        Assert.Equal(12, ShoelaceArea(cells[2].Contour)); // the outer boundary: the hole is not subtracted
        Assert.Equal(10, cells[2].Area);
        Assert.Equal(-1, cells[0].Class);
    }

    [Fact]
    public void A_missing_pixel_that_touches_the_outside_at_a_corner_is_filled_not_traced_round()
    {
        // Seen on a live slide (shapely: "Ring Self-intersection"): pixel (2,2) is missing and touches the outside
        // pixel (1,1) at the vertex (2,2), so a trace round the instance meets itself there.
        const int W = 5;
        var rows = new[]
        {
            ".....",
            "..11.",
            ".1.1.",
            ".111.",
            ".....",
        };
        var labels = string.Concat(rows).Select(c => c == '.' ? 0 : c - '0').ToArray();
        var maps = new CellMaps(W, rows.Length, new float[W * rows.Length], new float[W * rows.Length], null, null, null, 0);
        var (_, cells) = CellPostProcessing.Describe(labels, maps);
        var ring = cells[0].Contour;
        Assert.Equal(ring.Count, ring.Distinct().Count()); // no vertex twice: a simple ring
        Assert.Equal(8, ShoelaceArea(ring)); // by hand: the 3x3 block at (1,1) less its corner pixel (1,1), hole filled
        var check = ExternalTool.Python(
            "import json, sys\nfrom shapely.geometry import Polygon\nprint(Polygon(json.loads(sys.argv[1])).is_valid)",
            System.Text.Json.JsonSerializer.Serialize(ring.Select(p => new[] { p.X, p.Y })));
        Assert.Equal("True", check.Trim()); // shapely, the reference QuPath's GeoJSON readers agree with
    }

    internal static double ShoelaceArea(IReadOnlyList<(double X, double Y)> ring)
    {
        double sum = 0;
        for (var i = 0; i < ring.Count; i++)
        {
            var (a, b) = (ring[i], ring[(i + 1) % ring.Count]);
            sum += (a.X * b.Y) - (b.X * a.Y);
        }

        return sum / 2;
    }

    private static bool Inside(IReadOnlyList<(double X, double Y)> ring, double x, double y)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            if ((ring[i].Y > y) != (ring[j].Y > y) && x < ((ring[j].X - ring[i].X) * (y - ring[i].Y) / (ring[j].Y - ring[i].Y)) + ring[i].X)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    // Each true instance with the found one it overlaps at IoU > 0.5 (unique when it exists).
    private static Dictionary<int, (int Found, double Iou)> Match(int[] truth, int[] found)
    {
        var inter = new Dictionary<(int, int), int>();
        var areaT = new Dictionary<int, int>();
        var areaF = new Dictionary<int, int>();
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] > 0)
            {
                areaT[truth[i]] = areaT.GetValueOrDefault(truth[i]) + 1;
            }

            if (found[i] > 0)
            {
                areaF[found[i]] = areaF.GetValueOrDefault(found[i]) + 1;
            }

            if (truth[i] > 0 && found[i] > 0)
            {
                inter[(truth[i], found[i])] = inter.GetValueOrDefault((truth[i], found[i])) + 1;
            }
        }

        var match = new Dictionary<int, (int, double)>();
        foreach (var ((t, f), n) in inter)
        {
            var iou = (double)n / (areaT[t] + areaF[f] - n);
            if (iou > 0.5)
            {
                match[t] = (f, iou);
            }
        }

        return match;
    }
}

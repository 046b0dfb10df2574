namespace EdgeRuntime.Cells;

/// <summary>
/// The outer boundary of each instance along pixel edges: from the top edge of its first pixel in raster order,
/// clockwise (in image coordinates, y down) with the instance on the right, turning right first at a vertex where the
/// boundary meets itself so that the ring never touches itself; collinear vertices dropped.
/// </summary>
internal static class Contours
{
    // Directions clockwise: east, south, west, north.
    private static readonly (int Dx, int Dy)[] Steps = [(1, 0), (0, 1), (-1, 0), (0, -1)];

    public static IReadOnlyList<(double X, double Y)>[] Trace(int[] labels, int w, int h, int count)
    {
        var rings = new IReadOnlyList<(double X, double Y)>[count + 1];
        rings[0] = [];
        for (var i = 0; i < labels.Length; i++)
        {
            var k = labels[i];
            if (k > 0 && rings[k] is null)
            {
                rings[k] = Simple(Ring(labels, w, h, k, i % w, i / w));
            }
        }

        return rings;
    }

    private static List<(double X, double Y)> Ring(int[] labels, int w, int h, int k, int x0, int y0)
    {
        bool In(int x, int y) => x >= 0 && y >= 0 && x < w && y < h && labels[(y * w) + x] == k;

        // Whether an edge leaves vertex (vx, vy) in direction d with the instance on its right.
        bool Edge(int vx, int vy, int d) => d switch
        {
            0 => In(vx, vy) && !In(vx, vy - 1),
            1 => In(vx - 1, vy) && !In(vx, vy),
            2 => In(vx - 1, vy - 1) && !In(vx - 1, vy),
            _ => In(vx, vy - 1) && !In(vx - 1, vy - 1),
        };

        var vertices = new List<(double, double)>();
        int vx = x0, vy = y0, dir = 3; // as if arriving from below: the first step is the first pixel's top edge, east
        var limit = 4 * ((long)w + 1) * (h + 1);
        for (var first = true; ; first = false)
        {
            var next = -1;
            foreach (var turn in new[] { 1, 0, 3 })
            {
                if (Edge(vx, vy, (dir + turn) % 4))
                {
                    next = (dir + turn) % 4;
                    break;
                }
            }

            if (next < 0 || --limit < 0)
            {
                throw new InvalidOperationException("contour tracing lost its boundary: a bug, not a property of the input.");
            }

            if (!first && vx == x0 && vy == y0 && next == 0)
            {
                return vertices;
            }

            if (next != dir)
            {
                vertices.Add((vx, vy));
            }

            dir = next;
            vx += Steps[dir].Dx;
            vy += Steps[dir].Dy;
        }
    }

    // The turn rule keeps a ring off itself where two of its own pixels touch at a corner, but not where a pixel
    // missing from the instance touches the outside at a corner: the trace then runs round that pixel and meets itself
    // at the shared vertex (shapely: "Ring Self-intersection"; QuPath draws it, validators refuse it). Cut at each
    // repeated vertex: a loop turning the other way is a hole, filled (a nucleus's outline has no holes); of two loops
    // turning the same way, the larger is kept.
    internal static List<(double X, double Y)> Simple(List<(double X, double Y)> ring)
    {
        while (true)
        {
            var seen = new Dictionary<(double, double), int>();
            int from = -1, to = -1;
            for (var i = 0; i < ring.Count && from < 0; i++)
            {
                if (!seen.TryAdd(ring[i], i))
                {
                    (from, to) = (seen[ring[i]], i);
                }
            }

            if (from < 0)
            {
                return ring;
            }

            var loop = ring.GetRange(from, to - from);
            var rest = ring.Take(from).Concat(ring.Skip(to)).ToList();
            var (a, b) = (Area(loop), Area(rest));
            ring = Math.Sign(a) == Math.Sign(b) && Math.Abs(a) > Math.Abs(b) ? loop : rest;
        }
    }

    // Twice the signed area (shoelace), the sign giving the ring's turning direction.
    private static double Area(List<(double X, double Y)> ring)
    {
        var sum = 0.0;
        for (var i = 0; i < ring.Count; i++)
        {
            var (p, q) = (ring[i], ring[(i + 1) % ring.Count]);
            sum += (p.X * q.Y) - (q.X * p.Y);
        }

        return sum;
    }
}

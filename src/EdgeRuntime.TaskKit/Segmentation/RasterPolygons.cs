namespace EdgeRuntime.TaskKit.Segmentation;

/// <summary>A polygon of grid vertices: an outer ring, counter-clockwise, and its holes, clockwise (RFC 7946's winding).</summary>
/// <param name="Shell">The outer ring's vertices, not repeating the first at the end.</param>
/// <param name="Holes">The holes' rings, likewise.</param>
public sealed record GridPolygon(IReadOnlyList<(int X, int Y)> Shell, IReadOnlyList<IReadOnlyList<(int X, int Y)>> Holes);

/// <summary>
/// Turns the cells of one label in a raster into polygons with holes, on the cell boundaries (exact, no smoothing).
/// Each boundary edge between a cell of the label and one that is not is walked with the label on its left; where two
/// cells of the label touch only at a corner, the walk turns towards the cell it is on, so diagonal neighbours are
/// separate (4-connectivity) and a ring never crosses itself. A ring that comes back through such a corner is split
/// there: the shell keeps the outside, and the loop, wound the other way, is a hole touching it at that point (which
/// OGC's rules allow). Holes go to the smallest shell around them.
/// </summary>
public static class RasterPolygons
{
    /// <summary>The polygons of the cells where <paramref name="labels"/> equals <paramref name="label"/>.</summary>
    /// <param name="labels">Row-major, <paramref name="columns"/> × <paramref name="rows"/>.</param>
    /// <param name="columns">Cells across.</param>
    /// <param name="rows">Cells down.</param>
    /// <param name="label">The label to outline.</param>
    public static IReadOnlyList<GridPolygon> Trace(ReadOnlySpan<int> labels, int columns, int rows, int label)
    {
        if (labels.Length != columns * rows)
        {
            throw new ArgumentException($"{columns} × {rows} cells need {columns * rows} labels, got {labels.Length}.", nameof(labels));
        }

        // Outgoing boundary edges by start vertex; an edge is its start and a unit direction.
        var edges = new Dictionary<(int X, int Y), List<(int Dx, int Dy)>>();
        var copy = labels.ToArray();
        bool In(int x, int y) => x >= 0 && y >= 0 && x < columns && y < rows && copy[(y * columns) + x] == label;
        void Add(int x, int y, int dx, int dy)
        {
            if (!edges.TryGetValue((x, y), out var list))
            {
                edges[(x, y)] = list = new List<(int, int)>(2);
            }

            list.Add((dx, dy));
        }

        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                if (!In(x, y))
                {
                    continue;
                }

                // The cell [x, x+1] × [y, y+1] walked counter-clockwise: the label is on the left of every edge.
                if (!In(x, y - 1))
                {
                    Add(x, y, 1, 0);
                }

                if (!In(x + 1, y))
                {
                    Add(x + 1, y, 0, 1);
                }

                if (!In(x, y + 1))
                {
                    Add(x + 1, y + 1, -1, 0);
                }

                if (!In(x - 1, y))
                {
                    Add(x, y + 1, 0, -1);
                }
            }
        }

        var rings = new List<List<(int X, int Y)>>();
        while (edges.Count > 0)
        {
            var (start, directions) = edges.First();
            var walk = new List<(int X, int Y)>();
            var at = start;
            var d = Take(edges, at, directions[0]);
            while (true)
            {
                walk.Add(at);
                at = (at.X + d.Dx, at.Y + d.Dy);
                if (!edges.TryGetValue(at, out var outgoing))
                {
                    break; // back at the start, its edge used
                }

                // Left turn first (towards the cell the walk is on), then straight on, then right.
                (int, int)[] order = [(-d.Dy, d.Dx), d, (d.Dy, -d.Dx)];
                var next = order.First(o => outgoing.Contains(o));
                d = Take(edges, at, next);
            }

            rings.AddRange(SplitAtRepeats(walk));
        }

        var shells = new List<(List<(int X, int Y)> Ring, double Area, List<IReadOnlyList<(int X, int Y)>> Holes)>();
        var holes = new List<List<(int X, int Y)>>();
        foreach (var ring in rings.Select(Simplify))
        {
            var area = SignedArea(ring);
            if (area > 0)
            {
                shells.Add((ring, area, []));
            }
            else
            {
                holes.Add(ring);
            }
        }

        foreach (var hole in holes)
        {
            // A point a quarter cell to the left of the hole's first edge is inside a cell of the label, which is
            // inside the hole's shell, and on no cell boundary.
            var (a, b) = (hole[0], hole[1]);
            var (dx, dy) = (Math.Sign(b.X - a.X), Math.Sign(b.Y - a.Y));
            var px = a.X + (dx * 0.5) - (dy * 0.25);
            var py = a.Y + (dy * 0.5) + (dx * 0.25);
            var owner = shells.Where(s => Contains(s.Ring, px, py)).OrderBy(s => s.Area).First();
            owner.Holes.Add(hole);
        }

        return shells.Select(s => new GridPolygon(s.Ring, s.Holes)).ToList();
    }

    /// <summary>Twice the signed area (positive: counter-clockwise in x-right, y-up axes, as GeoJSON reads them).</summary>
    public static double SignedArea(IReadOnlyList<(int X, int Y)> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        double sum = 0;
        for (var i = 0; i < ring.Count; i++)
        {
            var (a, b) = (ring[i], ring[(i + 1) % ring.Count]);
            sum += ((double)a.X * b.Y) - ((double)b.X * a.Y);
        }

        return sum / 2;
    }

    private static (int Dx, int Dy) Take(Dictionary<(int X, int Y), List<(int Dx, int Dy)>> edges, (int X, int Y) at, (int Dx, int Dy) d)
    {
        var list = edges[at];
        list.Remove(d);
        if (list.Count == 0)
        {
            edges.Remove(at);
        }

        return d;
    }

    private static IEnumerable<List<(int X, int Y)>> SplitAtRepeats(List<(int X, int Y)> walk)
    {
        var stack = new List<(int X, int Y)>();
        var seen = new Dictionary<(int X, int Y), int>();
        foreach (var v in walk)
        {
            if (seen.TryGetValue(v, out var first))
            {
                // The loop since v's first visit is a ring of its own; the walk goes on from v.
                var loop = stack.GetRange(first, stack.Count - first);
                foreach (var u in loop)
                {
                    seen.Remove(u);
                }

                stack.RemoveRange(first, stack.Count - first);
                yield return loop;
            }

            seen[v] = stack.Count;
            stack.Add(v);
        }

        yield return stack;
    }

    private static List<(int X, int Y)> Simplify(List<(int X, int Y)> ring)
    {
        // Drops vertices where the boundary goes straight on.
        var kept = new List<(int X, int Y)>();
        for (var i = 0; i < ring.Count; i++)
        {
            var (p, v, n) = (ring[(i + ring.Count - 1) % ring.Count], ring[i], ring[(i + 1) % ring.Count]);
            if ((Math.Sign(v.X - p.X), Math.Sign(v.Y - p.Y)) != (Math.Sign(n.X - v.X), Math.Sign(n.Y - v.Y)))
            {
                kept.Add(v);
            }
        }

        return kept;
    }

    private static bool Contains(List<(int X, int Y)> ring, double x, double y)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var (a, b) = (ring[i], ring[j]);
            if ((a.Y > y) != (b.Y > y) && x < ((double)(b.X - a.X) * (y - a.Y) / (b.Y - a.Y)) + a.X)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

namespace EdgeRuntime.Cells;

/// <summary>
/// The seam rule, decided once for every copy of a nucleus rather than by each tile alone. A nucleus whose centroid
/// lies where only one tile reaches is that tile's. A nucleus in the overlap of two or four tiles is seen by each of
/// them, segmented by each slightly differently (a mask a pixel wider, a blob one tile splits and the other does not),
/// so the tiles need not agree on its centroid, and a rule each tile applies to its own copy can keep it twice or
/// drop it twice. So such copies are held: copies from different tiles that share at least half the pixels of the
/// smaller are the same nucleus (linked, transitively: a blob and the two pieces another tile split it into are one
/// group), and the group is decided once its tiles' neighbours have all been seen: the tile that owns the centroid of
/// the union of the group's pixels keeps its own copies of it, and the others are dropped (none is kept if that tile
/// saw none). Every tile computes nothing for itself, so the decision does not depend on the order tiles arrive in.
/// Two distinct nuclei touching across a seam share no more than a boundary's pixels, so each is its own group.
/// </summary>
/// <remarks>
/// Memory: only copies in overlaps are held, and each group only until the tiles around it have been seen
/// (<see cref="SeenThrough"/>), so with tiles arriving in grid order about two rows of tiles' overlaps are held,
/// whatever the slide's height.
/// </remarks>
public sealed class SeamMerge
{
    // Held copies are indexed by the buckets (of this many units) their bounding box touches.
    private const int Bucket = 32;

    private readonly SeamGrid grid;
    private readonly Dictionary<int, Copy> copies = [];
    private readonly Dictionary<(int, int), List<int>> buckets = [];
    private readonly Dictionary<int, List<int>> groups = [];
    private readonly Dictionary<int, int> parent = [];
    private int nextId;

    /// <summary>Creates the rule for one slide's grid.</summary>
    public SeamMerge(SeamGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        this.grid = grid;
    }

    /// <summary>Copies held, waiting for the tiles around them.</summary>
    public int Held => copies.Count;

    /// <summary>
    /// One tile's nuclei, in the tile's coordinates: those whose centroid only this tile reaches and that it owns are
    /// added to <paramref name="kept"/> (in slide coordinates), those in an overlap are held, the rest dropped.
    /// </summary>
    /// <param name="column">The tile's grid column.</param>
    /// <param name="row">The tile's grid row.</param>
    /// <param name="originX">The tile's left edge on the slide.</param>
    /// <param name="originY">The tile's top edge on the slide.</param>
    /// <param name="cells">Its nuclei in tile coordinates.</param>
    /// <param name="kept">Receives the nuclei decided now.</param>
    public void Add(int column, int row, double originX, double originY, IReadOnlyList<Cell> cells, ICollection<Cell> kept)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(kept);
        foreach (var cell in cells)
        {
            var onSlide = cell.Offset(originX, originY);
            if (!grid.Contested(onSlide.CentroidX, onSlide.CentroidY))
            {
                if (grid.Owner(onSlide.CentroidX, onSlide.CentroidY) == (column, row))
                {
                    kept.Add(onSlide);
                }

                continue;
            }

            Hold(new Copy(column, row, onSlide, PixelKeys(cell, originX, originY)));
        }
    }

    /// <summary>
    /// Every tile at or before (<paramref name="column"/>, <paramref name="row"/>), row by row, has been added or never
    /// will be: the groups whose copies' tiles have all had their neighbours seen are decided into <paramref name="kept"/>.
    /// </summary>
    public void SeenThrough(int column, int row, ICollection<Cell> kept)
    {
        ArgumentNullException.ThrowIfNull(kept);
        var ready = groups.Where(g => g.Value.TrueForAll(id => Ready(copies[id], column, row))).Select(g => g.Key).ToList();
        foreach (var root in ready)
        {
            Decide(root, kept);
        }
    }

    /// <summary>Every tile has been added: every held group is decided into <paramref name="kept"/>.</summary>
    public void Finish(ICollection<Cell> kept)
    {
        ArgumentNullException.ThrowIfNull(kept);
        foreach (var root in groups.Keys.Order().ToList())
        {
            Decide(root, kept);
        }
    }

    // A copy's group is complete once the last of its tile's neighbours (the next row's next column) has been seen:
    // only those tiles overlap its tile.
    private bool Ready(Copy copy, int column, int row)
    {
        var lastRow = Math.Min(copy.Row + 1, grid.Rows - 1);
        var lastColumn = Math.Min(copy.Column + 1, grid.Columns - 1);
        return lastRow < row || (lastRow == row && lastColumn <= column);
    }

    private void Hold(Copy copy)
    {
        var id = nextId++;
        copies[id] = copy;
        parent[id] = id;
        groups[id] = [id];
        var (x0, y0, x1, y1) = copy.Bounds;
        for (var by = FloorDiv(y0, Bucket); by <= FloorDiv(y1, Bucket); by++)
        {
            for (var bx = FloorDiv(x0, Bucket); bx <= FloorDiv(x1, Bucket); bx++)
            {
                if (!buckets.TryGetValue((bx, by), out var list))
                {
                    buckets[(bx, by)] = list = [];
                }

                foreach (var other in list)
                {
                    var held = copies[other];
                    if ((held.Column, held.Row) != (copy.Column, copy.Row) && Find(other) != Find(id) && SameNucleus(copy, held))
                    {
                        Union(id, other);
                    }
                }

                list.Add(id);
            }
        }
    }

    private void Decide(int root, ICollection<Cell> kept)
    {
        var members = groups[root];
        var union = new HashSet<long>();
        foreach (var id in members)
        {
            union.UnionWith(copies[id].Pixels);
        }

        double sx = 0, sy = 0;
        foreach (var key in union)
        {
            sx += (int)(key & 0xffffffff) + 0.5;
            sy += (int)(key >> 32) + 0.5;
        }

        var first = copies[members[0]].Cell;
        var owner = union.Count > 0 ? grid.Owner(sx / union.Count, sy / union.Count) : grid.Owner(first.CentroidX, first.CentroidY);
        foreach (var id in members.Order())
        {
            var copy = copies[id];
            if ((copy.Column, copy.Row) == owner)
            {
                kept.Add(copy.Cell);
            }

            Forget(id);
        }

        groups.Remove(root);
    }

    private void Forget(int id)
    {
        var (x0, y0, x1, y1) = copies[id].Bounds;
        for (var by = FloorDiv(y0, Bucket); by <= FloorDiv(y1, Bucket); by++)
        {
            for (var bx = FloorDiv(x0, Bucket); bx <= FloorDiv(x1, Bucket); bx++)
            {
                var list = buckets[(bx, by)];
                list.Remove(id);
                if (list.Count == 0)
                {
                    buckets.Remove((bx, by));
                }
            }
        }

        copies.Remove(id);
        parent.Remove(id);
    }

    private int Find(int id)
    {
        while (parent[id] != id)
        {
            parent[id] = parent[parent[id]];
            id = parent[id];
        }

        return id;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        var (big, small) = groups[ra].Count >= groups[rb].Count ? (ra, rb) : (rb, ra);
        parent[small] = big;
        groups[big].AddRange(groups[small]);
        groups.Remove(small);
    }

    // At least half of the smaller copy's pixels are the other's too: one nucleus seen twice, not two that touch.
    private static bool SameNucleus(Copy a, Copy b)
    {
        if (a.Bounds.X1 < b.Bounds.X0 || b.Bounds.X1 < a.Bounds.X0 || a.Bounds.Y1 < b.Bounds.Y0 || b.Bounds.Y1 < a.Bounds.Y0)
        {
            return false;
        }

        int i = 0, j = 0, shared = 0;
        while (i < a.Pixels.Length && j < b.Pixels.Length)
        {
            var c = a.Pixels[i].CompareTo(b.Pixels[j]);
            shared += c == 0 ? 1 : 0;
            i += c <= 0 ? 1 : 0;
            j += c >= 0 ? 1 : 0;
        }

        return 2 * shared >= Math.Min(a.Pixels.Length, b.Pixels.Length) && shared > 0;
    }

    // The copy's pixels on the slide's pixel grid (a tile's pixel centre falls in one slide pixel even where the tile's
    // origin is not whole), as sorted keys: row in the high half, column in the low.
    private static long[] PixelKeys(Cell cell, double originX, double originY)
    {
        var pixels = ContourFill.Pixels(cell.Contour);
        var keys = new long[pixels.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var x = (int)Math.Floor(pixels[i].X + 0.5 + originX);
            var y = (int)Math.Floor(pixels[i].Y + 0.5 + originY);
            keys[i] = ((long)y << 32) | (uint)x;
        }

        Array.Sort(keys);
        return keys;
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);

    private sealed record Copy(int Column, int Row, Cell Cell, long[] Pixels)
    {
        public (int X0, int Y0, int X1, int Y1) Bounds { get; } = BoundsOf(Pixels);

        private static (int, int, int, int) BoundsOf(long[] keys)
        {
            int x0 = int.MaxValue, y0 = int.MaxValue, x1 = int.MinValue, y1 = int.MinValue;
            foreach (var key in keys)
            {
                int x = (int)(key & 0xffffffff), y = (int)(key >> 32);
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
            }

            return keys.Length == 0 ? (0, 0, -1, -1) : (x0, y0, x1, y1);
        }
    }
}

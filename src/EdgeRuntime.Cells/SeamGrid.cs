namespace EdgeRuntime.Cells;

/// <summary>
/// A tile grid as the seam rule sees it: along each axis, where each tile starts, and the tiles' size, in the unit of
/// the cells' coordinates. A point is owned by the tile whose centre is nearest along the columns and along the rows
/// (ties: the smaller index, so the upper-left tile). A point is contested where two neighbouring tiles overlap along
/// either axis: there two tiles see the nucleus and may segment it differently.
/// </summary>
public sealed class SeamGrid
{
    private readonly double[] columnStarts;
    private readonly double[] rowStarts;
    private readonly double tileWidth;
    private readonly double tileHeight;

    /// <summary>Creates the grid.</summary>
    /// <param name="columnStarts">Each column's left edge, ascending.</param>
    /// <param name="rowStarts">Each row's top edge, ascending.</param>
    /// <param name="tileWidth">Tile width.</param>
    /// <param name="tileHeight">Tile height.</param>
    public SeamGrid(IReadOnlyList<double> columnStarts, IReadOnlyList<double> rowStarts, double tileWidth, double tileHeight)
    {
        ArgumentNullException.ThrowIfNull(columnStarts);
        ArgumentNullException.ThrowIfNull(rowStarts);
        ArgumentOutOfRangeException.ThrowIfZero(columnStarts.Count);
        ArgumentOutOfRangeException.ThrowIfZero(rowStarts.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        this.columnStarts = [.. columnStarts];
        this.rowStarts = [.. rowStarts];
        this.tileWidth = tileWidth;
        this.tileHeight = tileHeight;
    }

    /// <summary>Grid columns.</summary>
    public int Columns => columnStarts.Length;

    /// <summary>Grid rows.</summary>
    public int Rows => rowStarts.Length;

    /// <summary>The tile that owns the point: the nearest centre along the columns and along the rows.</summary>
    public (int Column, int Row) Owner(double x, double y) => (Nearest(columnStarts, tileWidth, x), Nearest(rowStarts, tileHeight, y));

    /// <summary>Whether the point lies where two neighbouring tiles overlap, along either axis.</summary>
    public bool Contested(double x, double y) => InOverlap(columnStarts, tileWidth, x) || InOverlap(rowStarts, tileHeight, y);

    private static int Nearest(double[] starts, double size, double at)
    {
        var best = 0;
        for (var i = 1; i < starts.Length; i++)
        {
            if (Math.Abs(starts[i] + (size / 2) - at) < Math.Abs(starts[best] + (size / 2) - at))
            {
                best = i;
            }
        }

        return best;
    }

    // The last tile starting at or before the point, and whether the one before it still reaches it.
    private static bool InOverlap(double[] starts, double size, double at)
    {
        var i = Array.BinarySearch(starts, at);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i >= 1 && at < starts[i - 1] + size;
    }
}

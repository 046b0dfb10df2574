using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.TaskKit.Segmentation;

/// <summary>
/// A slide's class map at the grid's stride: one cell per stride step, whose class probabilities are the mean over
/// every tile covering it. Without overlap a cell is a tile; with tiles overlapping by half, each tile covers 2 × 2
/// cells and each inner cell is the mean of four tiles, a map twice as fine. Holds cells × classes sums (a few MB
/// for a whole slide), never pixels.
/// </summary>
public sealed class ClassMap
{
    private readonly double[] sums;
    private readonly int[] counts;

    /// <summary>Creates an empty map over <paramref name="grid"/> for <paramref name="classes"/> classes.</summary>
    /// <param name="grid">The slide's grid (contract 2.1: columns, rows, stride).</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="slideWidth">Level-0 width: cells starting beyond it are left out.</param>
    /// <param name="slideHeight">Level-0 height.</param>
    /// <exception cref="ArgumentException">The grid does not give its shape (a host older than contract 2.1).</exception>
    public ClassMap(TileGridInfo grid, int classes, long slideWidth, long slideHeight)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (grid.Columns < 1 || grid.Rows < 1 || !(grid.StrideLevel0 > 0) || !(grid.StrideYLevel0 > 0))
        {
            throw new ArgumentException("The host gives no grid shape (columns, rows, strides: contract 2.1); a class map needs it.", nameof(grid));
        }

        Classes = classes;
        StrideX = grid.StrideLevel0;
        StrideY = grid.StrideYLevel0;
        // A tile spans its side divided by the stride in cells (the same count on both axes: the overlap is the same
        // share of either side); a cell counts as covered by a tile that covers at least half of it.
        Span = Math.Max(1, (int)Math.Round(grid.TileSizeLevel0 / grid.StrideLevel0));
        Columns = Math.Min(grid.Columns + Span - 1, (int)Math.Ceiling(slideWidth / StrideX));
        Rows = Math.Min(grid.Rows + Span - 1, (int)Math.Ceiling(slideHeight / StrideY));
        SlideWidth = slideWidth;
        SlideHeight = slideHeight;
        sums = new double[(long)Columns * Rows * classes];
        counts = new int[Columns * Rows];
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Cells across.</summary>
    public int Columns { get; }

    /// <summary>Cells down.</summary>
    public int Rows { get; }

    /// <summary>Level-0 pixels per cell across (the map's downsample from level 0 along x).</summary>
    public double StrideX { get; }

    /// <summary>Level-0 pixels per cell down (the downsample along y; equal to <see cref="StrideX"/> for square pixels).</summary>
    public double StrideY { get; }

    /// <summary>Cells a tile spans along each axis.</summary>
    public int Span { get; }

    /// <summary>Level-0 width of the slide.</summary>
    public long SlideWidth { get; }

    /// <summary>Level-0 height of the slide.</summary>
    public long SlideHeight { get; }

    /// <summary>Adds one tile's class probabilities to every cell it covers (at least half of the cell, inside the slide).</summary>
    /// <remarks>
    /// Cells come from the tile's box, not its grid position: the grid's last column and row are shifted inward to
    /// end at the slide's edge, so they cover cells their position alone would not name, and overlap cells their
    /// neighbours cover too, whose probabilities are then the mean of both, as with configured overlap. Each cell is
    /// one area of the slide, so every slide pixel is counted once however many tiles cover it.
    /// </remarks>
    public void Add(TileRef tile, ReadOnlySpan<double> probabilities)
    {
        if (probabilities.Length != Classes)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities for {Classes} classes.", nameof(probabilities));
        }

        var (x0, x1) = Covered(tile.Box.X, tile.Box.Width, Columns, StrideX, BoundaryX);
        var (y0, y1) = Covered(tile.Box.Y, tile.Box.Height, Rows, StrideY, BoundaryY);
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var cell = (y * Columns) + x;
                counts[cell]++;
                var row = sums.AsSpan(cell * Classes, Classes);
                for (var c = 0; c < Classes; c++)
                {
                    row[c] += probabilities[c];
                }
            }
        }
    }

    // The cells [first, last) along one axis that a box from start to start + length covers by at least half of
    // their extent inside the slide.
    private static (int First, int Last) Covered(long start, long length, int cells, double stride, Func<int, double> boundary)
    {
        var end = start + length;
        var first = Math.Max(0, (int)Math.Floor(start / stride) - 1);
        while (first < cells && !CoversHalf(first))
        {
            if (boundary(first) >= end)
            {
                return (0, 0);
            }

            first++;
        }

        var last = first;
        while (last < cells && CoversHalf(last))
        {
            last++;
        }

        return (first, last);

        bool CoversHalf(int i)
        {
            var (a, b) = (boundary(i), boundary(i + 1));
            var inside = Math.Min(b, end) - Math.Max(a, start);
            return b > a && 2 * inside >= b - a;
        }
    }

    /// <summary>Whether any tile covers cell (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public bool IsCovered(int x, int y) => counts[(y * Columns) + x] > 0;

    /// <summary>The class of a cell (the highest mean probability; the first on ties), or -1 when no tile covers it.</summary>
    public int ClassOf(int x, int y)
    {
        var cell = (y * Columns) + x;
        if (counts[cell] == 0)
        {
            return -1;
        }

        var row = sums.AsSpan(cell * Classes, Classes);
        var best = 0;
        for (var c = 1; c < Classes; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        return best;
    }

    /// <summary>Every cell's class, row-major, -1 where uncovered.</summary>
    public int[] Labels()
    {
        var labels = new int[Columns * Rows];
        for (var y = 0; y < Rows; y++)
        {
            for (var x = 0; x < Columns; x++)
            {
                labels[(y * Columns) + x] = ClassOf(x, y);
            }
        }

        return labels;
    }

    /// <summary>The level-0 area of cell (<paramref name="x"/>, <paramref name="y"/>) inside the slide, in square pixels.</summary>
    public double CellArea(int x, int y) => (BoundaryX(x + 1) - BoundaryX(x)) * (BoundaryY(y + 1) - BoundaryY(y));

    /// <summary>Level-0 x of cell boundary <paramref name="i"/> (the left edge of column i), clamped to the slide.</summary>
    public double BoundaryX(int i) => Math.Min(Math.Round(i * StrideX), SlideWidth);

    /// <summary>Level-0 y of cell boundary <paramref name="i"/> (the top edge of row i), clamped to the slide.</summary>
    public double BoundaryY(int i) => Math.Min(Math.Round(i * StrideY), SlideHeight);
}

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// Implemented by a task run whose classes live on a map finer than the tiles: with overlapping tiles, zero-shot
/// segmentation gives each stride cell the mean of the tiles over it. The host prefers such a map for
/// <c>overlay.png</c> over a per-tile one, because overlapping tiles drawn one by one blend into each other; the first
/// active task that implements it draws the overlay. Added in contract 2.1.
/// </summary>
public interface ICellClassMap : ITileClassMap
{
    /// <summary>Cells across.</summary>
    int Columns { get; }

    /// <summary>Cells down.</summary>
    int Rows { get; }

    /// <summary>Level-0 pixels per cell across; cell <c>(x, y)</c> starts at <c>x × CellWidthLevel0</c>.</summary>
    double CellWidthLevel0 { get; }

    /// <summary>Level-0 pixels per cell down.</summary>
    double CellHeightLevel0 { get; }

    /// <summary>The class of cell (<paramref name="column"/>, <paramref name="row"/>), or -1 where no tile covers it.</summary>
    int ClassOfCell(int column, int row);
}

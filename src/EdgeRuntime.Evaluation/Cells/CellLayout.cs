namespace EdgeRuntime.Evaluation.Cells;

/// <summary>How a cell dataset's masks are laid out (<see cref="CellDataset"/>).</summary>
public enum CellLayout
{
    /// <summary>PanNuke's masks.npy.</summary>
    PanNuke,

    /// <summary>CoNIC's labels.npy.</summary>
    Conic,

    /// <summary>A folder per sample.</summary>
    Folder,
}

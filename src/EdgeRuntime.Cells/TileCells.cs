namespace EdgeRuntime.Cells;

/// <summary>The nuclei found in one tile, in the tile's pixels, and where the tile lies on the slide (level 0).</summary>
/// <param name="OriginX">The tile's left edge on the slide.</param>
/// <param name="OriginY">The tile's top edge on the slide.</param>
/// <param name="Cells">Its nuclei in tile coordinates.</param>
public sealed record TileCells(long OriginX, long OriginY, IReadOnlyList<Cell> Cells);

namespace EdgeRuntime.Abstractions.Tiles;

/// <summary>
/// One tile of a slide's grid: where it is, before its pixels are read. Tiles of a grid are numbered
/// row by row; the same slide and the same tiling parameters always give the same tiles in the same order.
/// </summary>
/// <param name="Index">Position in the grid's kept tiles, from 0.</param>
/// <param name="Column">Grid column.</param>
/// <param name="Row">Grid row.</param>
/// <param name="Box">The tile's area in level-0 pixels.</param>
/// <param name="TissueFraction">Share of the tile's area that the tissue mask covers, 0 to 1.</param>
public readonly record struct TileRef(int Index, int Column, int Row, TileBox Box, double TissueFraction);

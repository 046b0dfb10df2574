namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>The slide's tile grid, as far as a task needs it.</summary>
/// <param name="Count">Tiles kept (with tissue); tile indices run from 0 to <c>Count - 1</c>.</param>
/// <param name="TileSize">Tile side in pixels, as the model sees it.</param>
/// <param name="TileSizeLevel0">Tile side in level-0 pixels.</param>
/// <param name="Level">Pyramid level the tiles are read from.</param>
/// <param name="MicronsPerPixel">µm per pixel of the tiles as the model sees them.</param>
public sealed record TileGridInfo(int Count, int TileSize, long TileSizeLevel0, int Level, double MicronsPerPixel);

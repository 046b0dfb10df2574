namespace EdgeRuntime.Abstractions.Tiles;

/// <summary>A rectangle in level-0 pixel coordinates. It may extend past the slide's edge; the part outside reads as white.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width in level-0 pixels.</param>
/// <param name="Height">Height in level-0 pixels.</param>
public readonly record struct TileBox(long X, long Y, long Width, long Height);

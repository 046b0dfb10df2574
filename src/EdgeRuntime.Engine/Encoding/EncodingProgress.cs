namespace EdgeRuntime.Engine.Encoding;

/// <summary>How far a slide's encoding has come.</summary>
/// <param name="TilesDone">Tiles encoded so far.</param>
/// <param name="TilesTotal">Tiles to encode.</param>
public readonly record struct EncodingProgress(int TilesDone, int TilesTotal);

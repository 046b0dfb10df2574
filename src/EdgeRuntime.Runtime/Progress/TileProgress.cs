namespace EdgeRuntime.Runtime.Progress;

/// <summary>How far a slide in flight has come, as every transport reports it.</summary>
/// <param name="TilesDone">Tiles encoded so far.</param>
/// <param name="TilesTotal">Tiles to encode.</param>
public readonly record struct TileProgress(int TilesDone, int TilesTotal);

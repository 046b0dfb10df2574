namespace EdgeRuntime.Inference.Precision;

/// <summary>What the int8 gate measured and decided, as logged, published and kept beside the int8 copy (gate.json).</summary>
/// <param name="Passed">Whether every condition held.</param>
/// <param name="Reason">Why it failed, in one sentence; for a pass, what it checked.</param>
/// <param name="Tiles">Tiles compared.</param>
/// <param name="CosineMin">The lowest per-tile cosine between int8 and float embeddings.</param>
/// <param name="CosineMean">Their mean.</param>
/// <param name="Bound">The configured bound every tile had to reach.</param>
/// <param name="Sources">The slides the tiles came from.</param>
/// <param name="FloatSha256">The float image encoder's SHA-256 (from the package manifest).</param>
/// <param name="Int8Sha256">The int8 copy's SHA-256.</param>
internal sealed record GateOutcome(bool Passed, string Reason, int Tiles, double CosineMin, double CosineMean, double Bound, IReadOnlyList<string> Sources, string FloatSha256, string Int8Sha256);

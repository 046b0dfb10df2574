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
internal sealed record GateOutcome(bool Passed, string Reason, int Tiles, double CosineMin, double CosineMean, double Bound, IReadOnlyList<string> Sources, string FloatSha256, string Int8Sha256)
{
    /// <summary>Float's time over int8's on the gate tiles, in the same process and threads (above 1: int8 is faster).</summary>
    public double SpeedUp { get; init; } = double.NaN;

    /// <summary>The configured minimum speed-up (<c>Int8MinSpeedup</c>) the copy had to reach.</summary>
    public double MinSpeedUp { get; init; } = double.NaN;

    /// <summary>The labelled-set condition, where a labelled set is configured.</summary>
    public LabelledAgreement? Labelled { get; init; }

    /// <summary>The labelled-set figures in words, for the log (gate.json keeps them under <c>labelled</c>).</summary>
    public string LabelledSummary => Labelled switch
    {
        null => "no labelled set",
        { Problem: { } problem } => $"labelled set unusable: {problem}",
        { } l => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"labelled set {l.Set} ({l.Images} images): few-shot accuracy int8 {l.Int8Accuracy:F3}, float {l.FloatAccuracy:F3} [{l.FloatLow:F3}, {l.FloatHigh:F3}]"),
    };
}

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// The arithmetic that produced a model's image embeddings, for provenance: a validated number stays a deployed
/// number only if the result says whether the float graph or its int8 copy made it.
/// </summary>
/// <param name="Name"><c>float32</c>, <c>float16</c> (the package's own graph) or <c>int8</c> (the gated copy).</param>
/// <param name="Int8Sha256">The int8 graph's SHA-256 (its gate file beside it says how it was judged); null for the package's own graph.</param>
public sealed record ImagePrecision(string Name, string? Int8Sha256)
{
    /// <summary>The int8 name.</summary>
    public const string Int8Name = "int8";
}

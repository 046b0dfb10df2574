using System.Text.Json.Serialization;

namespace EdgeRuntime.Inference.Prototypes;

/// <summary>
/// A prototype set: for each class, the image embedding of its labelled examples (their mean, as few-shot
/// prototype classifiers use it), made by one model. Read from <c>prototypes.json</c>; a set made by another model
/// is refused, since embeddings of different models are never compared.
/// </summary>
public sealed record PrototypeSet
{
    /// <summary>Version of the file format; this runtime reads 1.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>Stable identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Version of this set.</summary>
    public required string Version { get; init; }

    /// <summary>The model whose image embeddings these are (its manifest id).</summary>
    public required string ModelId { get; init; }

    /// <summary>The temperature scores are scaled by; absent: the model's own logit scale.</summary>
    public double? LogitScale { get; init; }

    /// <summary>The classes, in the order results list them.</summary>
    public required IReadOnlyList<Prototype> Classes { get; init; }
}

/// <summary>One class of a prototype set.</summary>
public sealed record Prototype
{
    /// <summary>Name used in results.</summary>
    public required string Name { get; init; }

    /// <summary>The class's embedding (normalised when read); written after the example count.</summary>
    [JsonPropertyOrder(1)]
    public required IReadOnlyList<float> Embedding { get; init; }

    /// <summary>How many labelled examples it was made from, for provenance.</summary>
    public int? Examples { get; init; }
}

/// <summary>Strict JSON for prototype sets: unknown keys are refused; written indented, absent fields left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PrototypeSet))]
internal sealed partial class PrototypeSetJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeRuntime.Abstractions;

/// <summary>
/// Which exact version of an artefact (a model, a prompt or prototype set) a result depends on: the
/// <c>{id, version, sha256}</c> object that result documents, eval reports and the plugin catalogue record. Written
/// in one shape everywhere by <see cref="ToJson"/>: <c>kind</c> first when set, <c>name</c> last when set.
/// </summary>
/// <param name="Id">The artefact's id.</param>
/// <param name="Version">Its version.</param>
/// <param name="Sha256">The SHA-256 that identifies its content, in lower-case hex.</param>
public sealed record Provenance(string Id, string Version, string Sha256)
{
    /// <summary>For a class set, <see cref="Tasks.ClassSource.Prompts"/> or <see cref="Tasks.ClassSource.Prototypes"/>; else null (not written).</summary>
    [JsonPropertyOrder(-1)]
    public string? Kind { get; init; }

    /// <summary>A model's display name; null (not written) for anything else.</summary>
    [JsonPropertyOrder(1)]
    public string? Name { get; init; }

    /// <summary>The JSON object, a new one each call (so that it can be placed in a document).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, ProvenanceJson.Default.Provenance)!.AsObject();
}

/// <summary>One writer for <see cref="Provenance"/>: camel-case names, absent optional fields left out.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Provenance))]
internal sealed partial class ProvenanceJson : JsonSerializerContext;

using System.Text.Json.Nodes;

namespace EdgeRuntime.Cases;

/// <summary>
/// Which case a slide belongs to: every identifier found, each with its source, the first source in the configured
/// order winning; a later source's different value is kept as a conflict, never silently dropped.
/// </summary>
/// <param name="Identifiers">The identifiers taken, at most one per name, in <see cref="CaseIdentifierNames.All"/> order.</param>
/// <param name="Conflicts">Values a later source gave for a name already taken.</param>
/// <param name="SourcesTried">The sources read, in order.</param>
/// <param name="Problems">What could not be read (a sidecar too large or not JSON, a label that does not decode), in words.</param>
public sealed record SlideCase(
    IReadOnlyList<CaseIdentifier> Identifiers,
    IReadOnlyList<CaseIdentifier> Conflicts,
    IReadOnlyList<string> SourcesTried,
    IReadOnlyList<string> Problems)
{
    /// <summary>No source configured, none read.</summary>
    public static SlideCase NotRead { get; } = new([], [], [], []);

    /// <summary>The identifier <paramref name="name"/>, or null.</summary>
    public CaseIdentifier? Get(string name) => Identifiers.FirstOrDefault(i => i.Name == name);

    /// <summary>Whether any identifier was found.</summary>
    public bool Found => Identifiers.Count > 0;

    /// <summary>The <c>case</c> object of the result document (docs/result.schema.json).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var identifier in Identifiers)
        {
            json[identifier.Name] = identifier.Value;
        }

        json["found"] = Found;
        json["note"] = Found ? null : SourcesTried.Count == 0
            ? "no case identifier: no source is configured (EdgeRuntime:Cases:Sources)"
            : $"no case identifier found in: {string.Join(", ", SourcesTried)}";
        json["identifiers"] = new JsonArray([.. Identifiers.Select(Json)]);
        json["conflicts"] = new JsonArray([.. Conflicts.Select(Json)]);
        json["sources"] = new JsonArray([.. SourcesTried.Select(s => (JsonNode)s)]);
        json["problems"] = new JsonArray([.. Problems.Select(p => (JsonNode)p)]);
        return json;
    }

    private static JsonNode Json(CaseIdentifier i) =>
        new JsonObject { ["name"] = i.Name, ["value"] = i.Value, ["source"] = i.Source, ["from"] = i.From };
}

using System.Text.Json.Serialization;

namespace EdgeRuntime.Inference.Prompts;

/// <summary>
/// A prompt set: the classes a zero-shot task tells apart, each with synonyms, and the sentence templates
/// the synonyms are put into (<c>"an H&amp;E image of {}."</c>). Read from a JSON file; its hash is part of
/// every result's provenance.
/// </summary>
public sealed record PromptSet
{
    /// <summary>Version of the file format; this runtime reads 1.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>Stable identifier, such as <c>crc100k</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable name.</summary>
    public required string Name { get; init; }

    /// <summary>Version of this set.</summary>
    public required string Version { get; init; }

    /// <summary>Model families the prompts were written for (<c>clip</c>, <c>conch</c>).</summary>
    public required IReadOnlyList<string> Families { get; init; }

    /// <summary>Sentence templates; <c>{}</c> stands for a class synonym.</summary>
    public required IReadOnlyList<string> Templates { get; init; }

    /// <summary>The classes, in the order results list them.</summary>
    public required IReadOnlyList<PromptClass> Classes { get; init; }
}

/// <summary>One class of a prompt set.</summary>
public sealed record PromptClass
{
    /// <summary>Name used in results.</summary>
    public required string Name { get; init; }

    /// <summary>Short code from the dataset (<c>ADI</c>, <c>TUM</c>), optional.</summary>
    public string? Code { get; init; }

    /// <summary>Ways to say the class; each is put into every template.</summary>
    public required IReadOnlyList<string> Synonyms { get; init; }
}

/// <summary>Strict JSON for prompt sets: unknown keys are refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(PromptSet))]
internal sealed partial class PromptSetJsonContext : JsonSerializerContext;

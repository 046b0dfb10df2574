namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>
/// The classes a task scores tiles against, whatever they came from: a prompt set (text embeddings, ensembled over
/// templates and synonyms: zero-shot) or a prototype set (image embeddings of labelled examples: few-shot). Either
/// way each class is one unit-length vector in the model's embedding space, and a score is
/// <c>LogitScale × cos(image, class)</c>.
/// </summary>
/// <param name="Source">What the vectors came from, for provenance.</param>
/// <param name="Names">Class names, in the set's order.</param>
/// <param name="Embeddings">Row-major [classes, <paramref name="Dimension"/>], each row of unit length.</param>
/// <param name="Dimension">Embedding length (the model's).</param>
/// <param name="LogitScale">The temperature the scores are scaled by (the model's for prompts; the set's for prototypes).</param>
public sealed record ClassSet(ClassSource Source, IReadOnlyList<string> Names, ReadOnlyMemory<float> Embeddings, int Dimension, double LogitScale);

/// <summary>Where a <see cref="ClassSet"/> came from.</summary>
/// <param name="Kind"><see cref="Prompts"/> or <see cref="Prototypes"/>.</param>
/// <param name="Id">The set's id.</param>
/// <param name="Version">The set's version.</param>
/// <param name="Sha256">SHA-256 of the set's file.</param>
public sealed record ClassSource(string Kind, string Id, string Version, string Sha256)
{
    /// <summary>Text embeddings of a prompt set.</summary>
    public const string Prompts = "prompts";

    /// <summary>Image embeddings of labelled examples.</summary>
    public const string Prototypes = "prototypes";

    /// <summary>What a result records of this set: its kind, id, version and hash.</summary>
    public Provenance ToProvenance() => new(Id, Version, Sha256) { Kind = Kind };
}

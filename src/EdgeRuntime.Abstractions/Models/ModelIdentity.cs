namespace EdgeRuntime.Abstractions.Models;

/// <summary>Which exact model produced a result: what a result's provenance records.</summary>
/// <param name="Id">Stable identifier, such as <c>plip</c>.</param>
/// <param name="Version">Version of the package.</param>
/// <param name="Sha256">Hash of the package's manifest, which itself lists the hash of every file.</param>
public sealed record ModelIdentity(string Id, string Version, string Sha256)
{
    /// <summary>What a result records of this model.</summary>
    /// <param name="name">The model's display name, when the record carries it.</param>
    public Provenance ToProvenance(string? name = null) => new(Id, Version, Sha256) { Name = name };
}

namespace EdgeRuntime.Abstractions.Models;

/// <summary>Which exact model produced a result: what a result's provenance records.</summary>
/// <param name="Id">Stable identifier, such as <c>plip</c>.</param>
/// <param name="Version">Version of the package.</param>
/// <param name="Sha256">Hash of the package's manifest, which itself lists the hash of every file.</param>
public sealed record ModelIdentity(string Id, string Version, string Sha256);

namespace EdgeRuntime.Cases;

/// <summary>One identifier of the case a slide belongs to, and where it was read.</summary>
/// <param name="Name">What it identifies: one of <see cref="CaseIdentifierNames.All"/> (accession, specimen, block, slide, stain).</param>
/// <param name="Value">The identifier as read.</param>
/// <param name="Source">The source that gave it: one of <see cref="CaseSources.All"/>.</param>
/// <param name="From">Within that source: the file name, the sidecar's name, the property key, or the barcode's symbology.</param>
public sealed record CaseIdentifier(string Name, string Value, string Source, string From);

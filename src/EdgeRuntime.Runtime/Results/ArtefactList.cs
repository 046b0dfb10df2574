using System.Text.Json.Nodes;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Runtime.Results;

/// <summary>
/// The files a slide's run wrote beside its result document, as the document lists them: each by its path in the
/// result folder, its size, SHA-256 and media type, and where an authorised subscriber on another machine fetches it
/// (<see cref="ArtefactLinks"/>). A subscriber checks what it fetched against the hash the document carries.
/// </summary>
public static class ArtefactList
{
    /// <summary>The document's name in the result folder; it lists the others and is not listed itself.</summary>
    public const string DocumentName = "result.json";

    /// <summary>Every regular file under <paramref name="folder"/> (the staging folder of <paramref name="slideId"/>), sorted by path.</summary>
    public static JsonArray Of(string folder, string slideId, ArtefactLinks links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var list = new JsonArray();
        foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f != DocumentName)
            .Order(StringComparer.Ordinal))
        {
            var full = Path.Combine(folder, file);
            if (FileNode.Of(full).Kind != FileNodeKind.Regular)
            {
                continue; // only what the run wrote itself; nothing a link points at
            }

            list.Add(new JsonObject
            {
                ["path"] = file,
                ["size"] = new FileInfo(full).Length,
                ["sha256"] = FileHash.Sha256(full),
                ["mediaType"] = MediaType(file),
                ["href"] = links.For(slideId, file),
            });
        }

        return list;
    }

    /// <summary>The media type a subscriber is told, by extension.</summary>
    public static string MediaType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".json" => "application/json",
        ".geojson" => "application/geo+json",
        ".gz" => "application/gzip",
        ".csv" => "text/csv",
        ".h5" => "application/x-hdf5",
        ".md" => "text/markdown",
        _ => "application/octet-stream",
    };
}

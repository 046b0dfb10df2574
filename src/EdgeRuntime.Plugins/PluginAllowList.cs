namespace EdgeRuntime.Plugins;

/// <summary>
/// The optional allow-list of plugin hashes (<c>EdgeRuntime:Plugins:AllowedSha256</c>): when it has entries,
/// only a model whose manifest, a prompt set whose file, or a task assembly whose file has a listed SHA-256 is
/// loaded. A site that validated a model this way knows that exactly that model runs.
/// </summary>
public static class PluginAllowList
{
    /// <summary>Throws unless <paramref name="file"/> is allowed (or the list is empty).</summary>
    /// <exception cref="InvalidDataException">The file's hash is not on the list; the message gives the hash to add.</exception>
    public static void Check(PluginOptions options, string file)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowedSha256.Count == 0)
        {
            return;
        }

        var hash = Slides.Files.FileHash.Sha256(file);

        if (!options.AllowedSha256.Contains(hash, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{file}: SHA-256 {hash} is not in {PluginOptions.Section}:{nameof(PluginOptions.AllowedSha256)}; refused.");
        }
    }
}

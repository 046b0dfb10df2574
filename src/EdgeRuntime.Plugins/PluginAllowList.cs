namespace EdgeRuntime.Plugins;

/// <summary>
/// The optional allow-list of plugin hashes (<c>EdgeRuntime:Plugins:AllowedSha256</c>): when it has entries, only
/// plugins whose <see cref="PluginHash"/> is listed load. A site that validated a model this way knows that exactly
/// that model runs. <c>edgert plugins list --hashes</c> prints each version's hash.
/// </summary>
public static class PluginAllowList
{
    /// <summary>Throws unless the model manifest or prompt set <paramref name="file"/> is allowed (or the list is empty).</summary>
    /// <exception cref="InvalidDataException">The file's hash is not on the list; the message gives the hash to add.</exception>
    public static void Check(PluginOptions options, string file)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowedSha256.Count > 0)
        {
            Check(options, Foundation.Files.FileHash.Sha256(file), file);
        }
    }

    /// <summary>Throws unless <paramref name="hash"/> (of <paramref name="what"/>) is allowed (or the list is empty).</summary>
    /// <exception cref="InvalidDataException">The hash is not on the list; the message gives it.</exception>
    public static void Check(PluginOptions options, string hash, string what)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowedSha256.Count > 0 && !options.AllowedSha256.Contains(hash, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{what}: SHA-256 {hash} is not in {PluginOptions.Section}:{nameof(PluginOptions.AllowedSha256)}; refused.");
        }
    }
}

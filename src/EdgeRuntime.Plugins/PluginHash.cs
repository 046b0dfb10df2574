using System.Security.Cryptography;
using System.Text;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Plugins;

/// <summary>
/// The hash that identifies a plugin version, in provenance and in the allow-list. A model: its
/// <c>model.json</c>'s SHA-256 (the manifest holds the hash of every other file). A prompt set: its file's. A task:
/// a digest of every file in its folder, since its dependencies load too and a changed one must not pass:
/// <c>cd tasks/{id}/{version} &amp;&amp; find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum</c>.
/// </summary>
public static class PluginHash
{
    /// <summary>The hash of <paramref name="plugin"/> under <paramref name="root"/>.</summary>
    public static string Of(PluginRef plugin, string root)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return plugin.Kind == PluginRef.Tasks ? OfFolder(plugin.Directory(root)) : FileHash.Sha256(plugin.DefiningFile(root));
    }

    /// <summary>SHA-256 of the <c>sha256sum</c> listing of every file below <paramref name="folder"/>, in byte order of their relative paths.</summary>
    public static string OfFolder(string folder)
    {
        var listing = new StringBuilder();
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        foreach (var relative in files)
        {
            listing.Append(FileHash.Sha256(Path.Combine(folder, relative))).Append("  ").Append(relative).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }
}

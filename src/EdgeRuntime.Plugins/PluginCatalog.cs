using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Plugins;

/// <summary>The plugin versions present under the plugins root.</summary>
public static class PluginCatalog
{
    /// <summary>Every model, prompt set and task version whose defining file is present, sorted.</summary>
    public static IReadOnlyList<PluginRef> Scan(string root) =>
        VersionFolders(root).Where(p => File.Exists(p.DefiningFile(root)))
            .OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal).ThenBy(p => p.Version, PluginVersion.Comparer)
            .ToList();

    /// <summary>Every <c>{kind}/{id}/{version}</c> folder under <paramref name="root"/>, complete or not, except temporary names.</summary>
    public static IEnumerable<PluginRef> VersionFolders(string root)
    {
        foreach (var kind in PluginRef.Kinds)
        {
            var kindDirectory = Path.Combine(root, kind);
            if (!Directory.Exists(kindDirectory))
            {
                continue;
            }

            foreach (var idDirectory in Directory.EnumerateDirectories(kindDirectory))
            {
                foreach (var versionDirectory in Directory.EnumerateDirectories(idDirectory))
                {
                    var (id, version) = (Path.GetFileName(idDirectory), Path.GetFileName(versionDirectory));
                    if (PluginRef.IsFolderName(id) && PluginRef.IsFolderName(version) && !CompletenessTracker.IsIgnoredName(id) && !CompletenessTracker.IsIgnoredName(version))
                    {
                        yield return new PluginRef(kind, id, version);
                    }
                }
            }
        }
    }
}

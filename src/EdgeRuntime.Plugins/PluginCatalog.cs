namespace EdgeRuntime.Plugins;

/// <summary>The plugin versions present under the plugins root.</summary>
public static class PluginCatalog
{
    /// <summary>Every model, prompt set and task version whose defining file is present, sorted.</summary>
    public static IReadOnlyList<PluginRef> Scan(string root)
    {
        var found = new List<PluginRef>();
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
                    var plugin = new PluginRef(kind, Path.GetFileName(idDirectory), Path.GetFileName(versionDirectory));
                    if (File.Exists(plugin.DefiningFile(root)))
                    {
                        found.Add(plugin);
                    }
                }
            }
        }

        return found.OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal).ThenBy(p => p.Version, PluginVersion.Comparer).ToList();
    }
}

namespace EdgeRuntime.Plugins;

/// <summary>
/// Real paths (every symbolic link on the way resolved) of what the plugins root holds. A name under the root can be
/// a link to anywhere; checking the written path would let <c>tasks/x/1.0.0 -&gt; /tmp/anything</c> load code that
/// no admin placed in the root, so every plugin folder and every file in it must really lie inside the root.
/// </summary>
internal static class PluginRealPath
{
    private const int MaxLinks = 40; // as the kernel's ELOOP limit: a loop of links ends, with a reason

    /// <summary>The path with every link resolved (components that do not exist are kept as written).</summary>
    /// <exception cref="InvalidDataException">Links loop or nest too deep.</exception>
    public static string Of(string path)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(path), ref links);
    }

    /// <summary>Throws unless <paramref name="path"/> really lies inside <paramref name="root"/> (or is it).</summary>
    /// <exception cref="InvalidDataException">The real path leaves the root; the message names both.</exception>
    public static void CheckInside(string root, string path)
    {
        var realRoot = Of(root);
        var real = Of(path);
        if (real != realRoot && !real.StartsWith(Path.TrimEndingDirectorySeparator(realRoot) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Path.GetFullPath(path)}: a link that leads to {real}, outside the plugins root {realRoot}; plugins load only from the plugins root.");
        }
    }

    /// <summary>Throws unless the folder <paramref name="directory"/> and everything in it really lie inside <paramref name="root"/>.</summary>
    /// <exception cref="InvalidDataException">Something leads out of the root; the message names it.</exception>
    public static void CheckTreeInside(string root, string directory)
    {
        CheckInside(root, directory);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            CheckInside(root, entry.FullName);
        }
    }

    private static string Resolve(string full, ref int links)
    {
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full) ?? "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new InvalidDataException($"{full}: too many symbolic links (a loop?).");
                }

                // The target is relative to the link's folder; it may hold links itself.
                current = Resolve(Path.GetFullPath(target, current), ref links);
            }
            else
            {
                current = next;
            }
        }

        return current;
    }
}

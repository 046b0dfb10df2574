using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Fleet;

/// <summary>
/// Where an offered slide is on this box's mount of the shared storage, by the inbox's rules: a regular file below
/// the shared root, reached through folders only. A link anywhere on the way (to <c>/etc/shadow</c>, to
/// <c>/dev/urandom</c>, to a folder outside), a device, a pipe, a path that climbs out, or a size other than the
/// offer's is refused with the reason, before anything opens it.
/// </summary>
internal static class SharedSlideFile
{
    /// <summary>The file's full path, or null and why not.</summary>
    public static (string? Path, string? Refusal) Find(string sharedRoot, string? relative, long size)
    {
        if (string.IsNullOrEmpty(relative) || Path.IsPathRooted(relative))
        {
            return (null, "the offer's path is not relative to the shared storage");
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sharedRoot));
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return (null, "the offer's path leads out of the shared storage");
        }

        // Every folder between the root and the file is a folder itself, not a link to one elsewhere.
        var folder = Path.GetDirectoryName(full)!;
        while (folder.Length > root.Length)
        {
            if (FileNode.Of(folder).Kind != FileNodeKind.Directory)
            {
                return (null, $"{folder} is {FileNode.Describe(FileNode.Of(folder).Kind)}, not a folder on the shared storage");
            }

            folder = Path.GetDirectoryName(folder)!;
        }

        var node = FileNode.Of(full);
        if (node.Kind == FileNodeKind.Missing)
        {
            return (null, $"{full} is not on this box's shared storage mount");
        }

        if (node.Kind != FileNodeKind.Regular)
        {
            return (null, $"{full} is {FileNode.Describe(node.Kind)}, not a regular file");
        }

        return node.Size == size ? (full, null) : (null, $"{full} has {node.Size} bytes, the offer says {size}");
    }
}

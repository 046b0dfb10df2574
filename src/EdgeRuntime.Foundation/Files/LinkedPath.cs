namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// Where a path a person named leads: to itself, or to the end of its chain of symbolic links. The one resolver the
/// checks of files to read (<see cref="RegularFile"/>) and of files and folders to write use, so that a loop, a
/// dangling link or a link to a device is found and described the same way wherever a path is named.
/// </summary>
/// <param name="Path">The path as given.</param>
/// <param name="Target">Where it leads: the path itself when it is no link (or a loop); the last link's target otherwise.</param>
/// <param name="Node">The node at <paramref name="Target"/>, as <c>lstat</c> says; <see cref="FileNodeKind.Missing"/> for a dangling link.</param>
/// <param name="IsLink">The path itself is a symbolic link.</param>
/// <param name="IsLoop">Its links lead round in a loop (or deeper than the kernel follows): there is no end to describe.</param>
public readonly record struct LinkedPath(string Path, string Target, FileNode Node, bool IsLink, bool IsLoop)
{
    /// <summary>A link whose end does not exist.</summary>
    public bool IsDangling => IsLink && !IsLoop && Node.Kind == FileNodeKind.Missing;

    /// <summary>"a link to TARGET, " for a link, empty otherwise: the start of a reason that goes on with what the end is.</summary>
    public string Through => IsLink && !IsLoop ? $"a link to {Target}, " : string.Empty;

    /// <summary>Follows <paramref name="fullPath"/>'s links to their end, without opening anything.</summary>
    /// <param name="fullPath">The path as given, made absolute.</param>
    public static LinkedPath Resolve(string fullPath)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        var node = FileNode.Of(fullPath);
        if (node.Kind != FileNodeKind.SymbolicLink)
        {
            return new LinkedPath(fullPath, fullPath, node, IsLink: false, IsLoop: false);
        }

        string? target;
        try
        {
            target = File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            // .NET gives up after the kernel's own limit of links (ELOOP): a cycle, or a chain no one means.
            return new LinkedPath(fullPath, fullPath, node, IsLink: true, IsLoop: true);
        }

        target ??= fullPath;
        var end = FileNode.Of(target);
        // A last link .NET could not read further (no permission on its folder) is no end either: say it is missing.
        return new LinkedPath(fullPath, target, end.Kind == FileNodeKind.SymbolicLink ? end with { Kind = FileNodeKind.Missing } : end, IsLink: true, IsLoop: false);
    }
}

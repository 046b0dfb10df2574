namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// Whether a file a person named (a configuration, a prompt set, a dataset CSV, a label map) can be read whole: a
/// regular file, itself or at the end of its links, within a size fit for what it is. Read without asking, a link to
/// <c>/dev/zero</c> fills memory until .NET gives up, a named pipe with no writer blocks for ever, and a folder or a
/// dangling link comes back in .NET's words.
/// </summary>
public static class RegularFile
{
    /// <summary>Why <paramref name="fullPath"/> cannot be read as <paramref name="noun"/>, in words after the path; null when it can.</summary>
    /// <param name="fullPath">The file as given, made absolute.</param>
    /// <param name="noun">What the file should be, with its article: "a label map".</param>
    /// <param name="maxBytes">The most such a file can reasonably hold.</param>
    public static string? Problem(string fullPath, string noun, long maxBytes)
    {
        var resolved = LinkedPath.Resolve(fullPath);
        if (resolved.IsLoop)
        {
            return $"a link that leads round in a loop, not {noun}.";
        }

        if (resolved.IsDangling)
        {
            return $"a link to {resolved.Target}, which does not exist.";
        }

        var node = resolved.Node;
        var through = resolved.Through;
        return node.Kind switch
        {
            FileNodeKind.Missing => "no such file.",
            FileNodeKind.Regular when node.Size > maxBytes => $"{through}{node.Size:N0} bytes; {noun} is at most {maxBytes:N0} bytes.",
            FileNodeKind.Regular => null,
            _ => $"{through}{FileNode.Describe(node.Kind)}, not {noun}.",
        };
    }
}

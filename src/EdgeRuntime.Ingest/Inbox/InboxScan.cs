using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>An inbox entry that is not taken, and why.</summary>
/// <param name="Path">The entry.</param>
/// <param name="Reason">Why, in words, for the reason note and the log.</param>
/// <param name="Movable">Whether it goes to the failed folder (renamed as itself: a link stays a link); otherwise it is left where it is and only noted.</param>
internal sealed record InboxRefusal(string Path, string Reason, bool Movable);

/// <summary>
/// Looks at the inbox's entries without following anything (<c>lstat</c>): regular files are candidates; folders
/// are candidates too, to be noted once settled, unless they are a MIRAX slide's data folder; everything else (links,
/// pipes, sockets, devices, names the file system cannot be asked about) is refused at once, never opened. Hidden and
/// temporary names are not looked at.
/// </summary>
internal static class InboxScan
{
    /// <summary>The inbox's candidates (regular files and folders) and the entries refused on sight.</summary>
    public static (List<string> Candidates, List<InboxRefusal> Refused) Look(string inbox, IReadOnlySet<string> excludedFolders)
    {
        ArgumentNullException.ThrowIfNull(excludedFolders);
        var candidates = new List<string>();
        var refused = new List<InboxRefusal>();
        if (!Directory.Exists(inbox))
        {
            return (candidates, refused);
        }

        foreach (var path in Directory.EnumerateFileSystemEntries(inbox))
        {
            var name = Path.GetFileName(path);
            if (CompletenessTracker.IsIgnoredName(name) || excludedFolders.Contains(path))
            {
                continue;
            }

            var node = FileNode.Of(path);
            switch (node.Kind)
            {
                case FileNodeKind.Regular:
                    candidates.Add(path);
                    break;
                case FileNodeKind.Directory when !IsMiraxFolder(path):
                    candidates.Add(path);
                    break;
                case FileNodeKind.Directory:
                    break; // a MIRAX slide's data, taken with its .mrxs
                case FileNodeKind.Missing when name.Contains('\uFFFD', StringComparison.Ordinal):
                    // .NET decodes file names as UTF-8 and replaces what is not; such a name cannot be given back to the
                    // file system, so the entry can be neither opened nor moved.
                    refused.Add(new InboxRefusal(path, $"{path}: the file's name is not valid UTF-8 (shown here with '\uFFFD' for the bytes that are not), so it cannot be opened or moved; rename it to a UTF-8 name and it is taken.", Movable: false));
                    break;
                case FileNodeKind.Missing:
                    break; // gone between listing and looking
                case FileNodeKind.SymbolicLink:
                    refused.Add(new InboxRefusal(path, $"{path}: {DescribeLink(path)}; the inbox takes regular files only and never follows a link. Copy or move the slide itself into the inbox.", Movable: true));
                    break;
                default:
                    refused.Add(new InboxRefusal(path, $"{path}: {FileNode.Describe(node.Kind)}, not a regular file; never opened.", Movable: true));
                    break;
            }
        }

        return (candidates, refused);
    }

    /// <summary>Why a settled folder is not taken.</summary>
    public static InboxRefusal Folder(string path) =>
        new(path, $"{path}: a folder, not a slide file (a MIRAX slide's data folder is taken with the .mrxs file of the same name beside it); left where it is.", Movable: false);

    /// <summary>Whether <paramref name="path"/> is the data folder of a MIRAX slide beside it.</summary>
    public static bool IsMiraxFolder(string path) => FileNode.Of(path + ".mrxs").Kind == FileNodeKind.Regular;

    private static string DescribeLink(string path)
    {
        string? target = null;
        try
        {
            target = new FileInfo(path).LinkTarget;
            var final = File.ResolveLinkTarget(path, returnFinalTarget: true);
            var kind = final is null ? FileNodeKind.Missing : FileNode.Of(final.FullName).Kind;
            return kind == FileNodeKind.Missing
                ? $"a symbolic link to {target}, which does not exist"
                : $"a symbolic link to {target} ({FileNode.Describe(kind)})";
        }
        catch (IOException)
        {
            return target is null ? "a symbolic link" : $"a symbolic link to {target}, which cannot be resolved (a loop)";
        }
    }
}

using System.CommandLine;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Cli;

/// <summary>
/// What a file a person names for a command to write (a thumbnail, an HDF5 of embeddings, a table) must be before the
/// work starts: a regular file or nothing yet, itself or at the end of its links, whose nearest existing folder takes
/// new files (missing folders are made, as the writers always did). Checked only when the result was written, <c>-o /tmp</c> cost the whole run and then ended in .NET's
/// "Is a directory"; a link to a device or a pipe would have been written through.
/// </summary>
internal static class OutputFileCheck
{
    /// <summary>
    /// Makes <paramref name="option"/> refuse, while the command line is parsed (exit 2, before any work), a path that
    /// cannot take <paramref name="noun"/>, naming the option, the path and what is wrong.
    /// </summary>
    /// <param name="option">An option naming a file to write (<c>Option&lt;FileInfo&gt;</c>).</param>
    /// <param name="noun">What will be written, with its article: "a PNG file".</param>
    public static T MustBeWritable<T>(this T option, string noun)
        where T : Option
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<FileInfo?>() is { } file && Problem(file.FullName, noun) is { } why)
            {
                result.AddError($"{option.Name}: {file.FullName}: {why}");
            }
        });
        return option;
    }

    /// <summary>Why <paramref name="fullPath"/> cannot be written as <paramref name="noun"/>, in words after the path; null when it can.</summary>
    public static string? Problem(string fullPath, string noun)
    {
        var resolved = LinkedPath.Resolve(fullPath);
        if (resolved.IsLoop)
        {
            return $"a link that leads round in a loop, not a place for {noun}.";
        }

        var target = resolved.Target;
        var through = resolved.Through;
        var kind = resolved.Node.Kind;

        // A dangling link is replaced, as any file is: the writer renames its temporary file over the name.
        if (kind == FileNodeKind.Missing)
        {
            return FolderProblem(fullPath);
        }

        if (kind != FileNodeKind.Regular)
        {
            return $"{through}{FileNode.Describe(kind)}; name a file to write {noun} to.";
        }

        try
        {
            // Opened for writing without truncating, and closed at once: the file is left as it was.
            using (new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{through}a file that cannot be written (no permission, or a read-only file system).";
        }

        return FolderProblem(fullPath);
    }

    // The writers (AtomicFile) make the missing folders of the path, then write a temporary file beside it and rename
    // it over: so the nearest folder that exists must be a folder and take new files.
    private static string? FolderProblem(string fullPath) =>
        Path.GetDirectoryName(fullPath) is { } folder ? OutputFolderCheck.NearestFolderProblem(folder) : "not a file name.";
}

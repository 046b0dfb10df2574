using System.CommandLine;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Cli;

/// <summary>
/// What a folder a person names for a command to write into (<c>process --out</c>, <c>eval -o</c>, <c>--cache</c>,
/// <c>search --preview</c>) must be before the work starts: a folder, itself or at the end of its links, that takes new
/// files; or nothing yet, under a nearest existing folder that does (the writers make missing folders). Checked only
/// when the first result was written, a file, a pipe or a looping link in its place cost the whole run and then ended
/// in .NET's words.
/// </summary>
internal static class OutputFolderCheck
{
    /// <summary>
    /// Makes <paramref name="option"/> refuse, while the command line is parsed (exit 2, before any work), a path that
    /// cannot take <paramref name="noun"/>, naming the option, the path and what is wrong.
    /// </summary>
    /// <param name="option">An option naming a folder to write into (<c>Option&lt;DirectoryInfo&gt;</c>).</param>
    /// <param name="noun">What will be written there, with its article: "the results".</param>
    public static T MustBeWritableFolder<T>(this T option, string noun)
        where T : Option
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<DirectoryInfo?>() is { } folder && Problem(folder.FullName, noun) is { } why)
            {
                result.AddError($"{option.Name}: {folder.FullName}: {why}");
            }
        });
        return option;
    }

    /// <summary>Why <paramref name="fullPath"/> cannot be a folder for <paramref name="noun"/>, in words after the path; null when it can.</summary>
    public static string? Problem(string fullPath, string noun)
    {
        var resolved = LinkedPath.Resolve(fullPath);
        if (resolved.IsLoop)
        {
            return $"a link that leads round in a loop, not a folder for {noun}.";
        }

        // A dangling link cannot be made into a folder (mkdir says it exists): the writer would fail after the work.
        if (resolved.IsDangling)
        {
            return $"a link to {resolved.Target}, which does not exist; make that folder, or name another for {noun}.";
        }

        return resolved.Node.Kind switch
        {
            FileNodeKind.Missing => NearestFolderProblem(fullPath),
            FileNodeKind.Directory => TakesNewFiles(resolved.Target) ? null : $"{resolved.Through}a folder that does not take new files (no permission, or a read-only file system).",
            var kind => $"{resolved.Through}{FileNode.Describe(kind)}; name a folder to write {noun} into.",
        };
    }

    /// <summary>
    /// Why the nearest existing folder at or above <paramref name="missing"/> cannot have the missing folders made in
    /// it and take new files; null when it can. The writers (<see cref="AtomicFile"/>, the result and report writers)
    /// make the missing folders first.
    /// </summary>
    internal static string? NearestFolderProblem(string missing)
    {
        var folder = missing;
        while (true)
        {
            var resolved = LinkedPath.Resolve(folder);
            if (resolved.IsLoop)
            {
                return $"{folder} is a link that leads round in a loop, not a folder.";
            }

            if (resolved.Node.Kind == FileNodeKind.Directory)
            {
                return TakesNewFiles(resolved.Target) ? null : $"the folder {folder} does not take new files (no permission, or a read-only file system).";
            }

            if (resolved.IsDangling)
            {
                return $"{folder} is a link to {resolved.Target}, which does not exist.";
            }

            if (resolved.Node.Kind != FileNodeKind.Missing)
            {
                return $"{folder} is not a folder.";
            }

            if (Path.GetDirectoryName(folder) is not { } parent)
            {
                return "not a file name.";
            }

            folder = parent;
        }
    }

    // Root passes every permission check: only creating a file says whether a folder (read-only mount, /proc) takes one.
    private static bool TakesNewFiles(string folder)
    {
        var probe = Path.Combine(folder, $".edgert-write-check-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

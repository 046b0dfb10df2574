using System.Globalization;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Journal;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>Moves slides out of the inbox once handled: to done, or to failed with a file giving the reason.</summary>
internal sealed class InboxFiles(InboxOptions options) : IFinishedSlides
{
    /// <summary>Whether finished slides leave the inbox (<c>Inbox:AfterProcessing</c> is not <c>Leave</c>).</summary>
    public bool MovesFinished => options.AfterProcessing != "Leave";

    /// <summary>Moves a finished slide to the done folder (unless configured to leave it); returns where it is now.</summary>
    public string Done(string path) => Done(path, DoneDestination(path));

    /// <inheritdoc />
    public string DoneDestination(string path) => MovesFinished ? Target(path, options.DonePath) : path;

    /// <inheritdoc />
    public string Done(string path, string destination)
    {
        if (!MovesFinished)
        {
            return path;
        }

        // Taken meanwhile by another file of the same name: a fresh name rather than over it.
        return Move(path, File.Exists(destination) ? Target(path, options.DonePath) : destination);
    }

    /// <summary>
    /// Moves an unreadable slide to the failed folder and writes <c>&lt;name&gt;.reason.txt</c> beside it: the reason,
    /// what to do, and the file's size and time as they were, so that a change to the file is noticed
    /// (<see cref="FailedSlideRetake"/>).
    /// </summary>
    public string Failed(string path, string reason)
    {
        var target = File.Exists(path) || Directory.Exists(MiraxFolder(path)) ? Move(path, Target(path, options.FailedPath)) : Path.Combine(options.FailedPath, Path.GetFileName(path));
        Directory.CreateDirectory(options.FailedPath);
        File.WriteAllText(target + FailedSlideRetake.ReasonSuffix, $"""
            {reason}

            What to do: repair or replace this file here, in {options.FailedPath}, and it is taken again (changed content is a new slide);
            or drop a corrected copy into the inbox. Delete the file and this note to give up on it.
            {FailedSlideRetake.Stamp(target)}

            """);
        return target;
    }

    /// <summary>
    /// Deals with an entry the inbox does not take (<see cref="InboxScan"/>): a movable one (a link, a pipe, a device
    /// node) is renamed into the failed folder as itself, never copied or opened; the others stay. Either way
    /// <c>&lt;name&gt;.reason.txt</c> in the failed folder says why, written once. Returns where the entry is now.
    /// </summary>
    public string Refuse(InboxRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Directory.CreateDirectory(options.FailedPath);
        var name = Path.GetFileName(refusal.Path).Replace('\uFFFD', '?');
        var at = refusal.Path;
        if (refusal.Movable)
        {
            var target = Path.Combine(options.FailedPath, name);
            if (FileNode.Of(target).Kind != FileNodeKind.Missing)
            {
                target = Path.Combine(options.FailedPath, $"{Path.GetFileNameWithoutExtension(name)}.{DateTime.UtcNow.ToString(NameStampFormat, CultureInfo.InvariantCulture)}{Path.GetExtension(name)}");
            }

            // A rename or nothing: across file systems it fails, and the entry is noted where it is.
            at = FileNode.TryRenameNode(refusal.Path, target) ? target : refusal.Path;
        }

        var note = Path.Combine(options.FailedPath, (at == refusal.Path ? name : Path.GetFileName(at)) + FailedSlideRetake.ReasonSuffix);
        if (!File.Exists(note))
        {
            AtomicFile.WriteText(note, $"""
                {refusal.Reason}

                {(at == refusal.Path ? $"It is still at {refusal.Path}." : $"Moved here, to {at}, as it was (not opened, not copied).")} Nothing was read from it, and it is not in the journal.
                What to do: put the slide itself (a regular file) into the inbox. Delete this note{(at == refusal.Path ? " and the entry" : " and the entry beside it")} to clear it.
                {FailedSlideRetake.Stamp(at)}

                """);
        }

        return at;
    }

    /// <summary>The time stamp that tells apart a file from an older namesake in done/ or failed/: <c>name.{stamp}.ext</c>.</summary>
    internal const string NameStampFormat = "yyyyMMddTHHmmssfff";

    /// <summary>The name a file had before <see cref="Target"/> stamped it to keep an older namesake.</summary>
    internal static string UnstampedName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var stamp = Path.GetExtension(name).TrimStart('.');
        return DateTime.TryParseExact(stamp, NameStampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? Path.GetFileNameWithoutExtension(name) + Path.GetExtension(path)
            : Path.GetFileName(path);
    }

    // The same name handled before: keep both, the newer with a time stamp.
    private static string Target(string path, string folder)
    {
        var target = Path.Combine(folder, Path.GetFileName(path));
        var stamp = DateTime.UtcNow.ToString(NameStampFormat, CultureInfo.InvariantCulture);
        return File.Exists(target) ? Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(path)}.{stamp}{Path.GetExtension(path)}") : target;
    }

    private static string Move(string path, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var kind = FileNode.Of(path).Kind;
        if (kind == FileNodeKind.Regular)
        {
            File.Move(path, target);
        }
        else if (kind != FileNodeKind.Missing && kind != FileNodeKind.Directory && !FileNode.TryRenameNode(path, target))
        {
            // Never File.Move: across file systems it copies, reading what a link points to or blocking on a pipe.
            throw new IOException($"{path}: {FileNode.Describe(kind)}, which cannot be renamed to {target}; left where it is.");
        }

        var mirax = MiraxFolder(path);
        if (Directory.Exists(mirax))
        {
            Directory.Move(mirax, Path.Combine(Path.GetDirectoryName(target)!, Path.GetFileNameWithoutExtension(target)));
        }

        return target;
    }

    private static string MiraxFolder(string path) =>
        path.EndsWith(".mrxs", StringComparison.OrdinalIgnoreCase) ? Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path)) : string.Empty;
}

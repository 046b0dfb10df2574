using EdgeRuntime.Journal;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>Moves slides out of the inbox once handled: to done, or to failed with a file giving the reason.</summary>
public sealed class InboxFiles(InboxOptions options) : IFinishedSlides
{
    /// <summary>Whether finished slides leave the inbox (<c>Inbox:AfterProcessing</c> is not <c>Leave</c>).</summary>
    public bool MovesFinished => options.AfterProcessing != "Leave";

    /// <summary>Moves a finished slide to the done folder (unless configured to leave it); returns where it is now.</summary>
    public string Done(string path) => MovesFinished ? Move(path, options.DonePath) : path;

    /// <summary>Moves an unreadable slide to the failed folder and writes <c>&lt;name&gt;.reason.txt</c> beside it.</summary>
    public string Failed(string path, string reason)
    {
        var target = File.Exists(path) || Directory.Exists(MiraxFolder(path)) ? Move(path, options.FailedPath) : Path.Combine(options.FailedPath, Path.GetFileName(path));
        Directory.CreateDirectory(options.FailedPath);
        File.WriteAllText(target + ".reason.txt", reason + Environment.NewLine);
        return target;
    }

    private static string Move(string path, string folder)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Path.GetFileName(path));
        if (File.Exists(target))
        {
            // The same name handled before: keep both, the newer with a time stamp.
            target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(path)}.{DateTime.UtcNow:yyyyMMddTHHmmssfff}{Path.GetExtension(path)}");
        }

        if (File.Exists(path))
        {
            File.Move(path, target);
        }

        var mirax = MiraxFolder(path);
        if (Directory.Exists(mirax))
        {
            Directory.Move(mirax, Path.Combine(folder, Path.GetFileNameWithoutExtension(target)));
        }

        return target;
    }

    private static string MiraxFolder(string path) =>
        path.EndsWith(".mrxs", StringComparison.OrdinalIgnoreCase) ? Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path)) : string.Empty;
}

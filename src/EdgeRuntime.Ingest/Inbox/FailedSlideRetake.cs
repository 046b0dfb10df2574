using System.Globalization;
using EdgeRuntime.Foundation.Files;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>
/// Takes a failed slide again once someone repairs or replaces it in the failed folder: a file whose size or time
/// differs from the stamp in its reason note goes back into the inbox, where the usual completeness rules apply and
/// new content gets a new id. A file in the failed folder without a note is not ours and is left alone.
/// </summary>
internal sealed class FailedSlideRetake(InboxOptions options, ILogger<FailedSlideRetake> logger)
{
    /// <summary>The reason note's suffix: <c>&lt;name&gt;.reason.txt</c>.</summary>
    public const string ReasonSuffix = ".reason.txt";

    private const string StampPrefix = "stamp: ";

    /// <summary>The line that records the file at <paramref name="path"/> as it is now (none if it is not there).</summary>
    public static string Stamp(string path) => FileNode.Of(path) is { Kind: not FileNodeKind.Missing } node
        ? string.Create(CultureInfo.InvariantCulture, $"{StampPrefix}size={node.Size} modified={node.Modified.Ticks}")
        : $"{StampPrefix}none";

    /// <summary>Moves every changed failed file back into the inbox; returns how many.</summary>
    public int MoveChangedBack()
    {
        if (!Directory.Exists(options.FailedPath))
        {
            return 0;
        }

        var moved = 0;
        foreach (var note in Directory.EnumerateFiles(options.FailedPath, "*" + ReasonSuffix))
        {
            var file = note[..^ReasonSuffix.Length];
            try
            {
                // Only a regular file comes back: a link, pipe or device refused on sight stays refused.
                if (FileNode.Of(file).Kind != FileNodeKind.Regular || File.ReadLines(note).FirstOrDefault(l => l.StartsWith(StampPrefix, StringComparison.Ordinal)) is not { } recorded || recorded == Stamp(file))
                {
                    continue;
                }

                var target = Path.Combine(Path.GetFullPath(options.Path), InboxFiles.UnstampedName(file)); // back under its own name
                if (File.Exists(target))
                {
                    continue; // the inbox has a file of that name now; try again once it has gone
                }

                // A MIRAX slide's data folder goes back first, so that the .mrxs is never in the inbox without it.
                var folder = Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file));
                if (file.EndsWith(".mrxs", StringComparison.OrdinalIgnoreCase) && Directory.Exists(folder))
                {
                    Directory.Move(folder, Path.Combine(Path.GetDirectoryName(target)!, Path.GetFileNameWithoutExtension(target)));
                }

                File.Move(file, target);
                File.Delete(note);
                moved++;
                IngestLog.RetakingFailed(logger, file, target);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                IngestLog.RetakeError(logger, file, e.Message);
            }
        }

        return moved;
    }
}

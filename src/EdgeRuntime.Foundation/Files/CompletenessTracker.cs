namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// Decides when a file in the inbox is complete: its size and modification time (for MIRAX, those of the
/// <c>.mrxs</c> and every file of its side folder; for a folder candidate, such as a plugin version, those of every
/// file below it) have not changed for the quiet period. Temporary names (<c>.tmp</c>, <c>.part</c>, dot-files) are
/// never candidates, and a folder holding one is still being copied; an empty file is never complete. Pure
/// bookkeeping: the clock is passed in.
/// </summary>
/// <param name="quietPeriod">How long a candidate must stay unchanged.</param>
/// <param name="emptyFoldersComplete">
/// Whether an empty folder can become complete (the inbox, which must explain every folder it does not take); a
/// plugin version folder being created is empty at first, so the plugins root leaves this off.
/// </param>
public sealed class CompletenessTracker(TimeSpan quietPeriod, bool emptyFoldersComplete = false)
{
    private static readonly string[] TemporarySuffixes = [".tmp", ".part", ".partial", ".crdownload", ".filepart", ".swp"];
    private readonly Dictionary<string, (long Size, DateTime Modified, DateTimeOffset Since)> seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);

    /// <summary>Whether some file is still settling (seen, not yet complete).</summary>
    public bool Settling => seen.Count > 0;

    /// <summary>Whether a file name can never be a slide (temporary, hidden, or a case sidecar).</summary>
    public static bool IsIgnoredName(string fileName) =>
        fileName.StartsWith('.') || TemporarySuffixes.Any(s => fileName.EndsWith(s, StringComparison.OrdinalIgnoreCase))
        || fileName.EndsWith(CaseSidecarSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The suffix of a slide's case sidecar (<c>{slide}.case.json</c>, EdgeRuntime.Cases): read beside its slide, never a slide itself.</summary>
    public const string CaseSidecarSuffix = ".case.json";

    /// <summary>The candidates in <paramref name="inbox"/> (not recursing into folders, except a MIRAX slide's own).</summary>
    public static IEnumerable<string> Candidates(string inbox, IReadOnlySet<string> excludedFolders)
    {
        ArgumentNullException.ThrowIfNull(excludedFolders);
        if (!Directory.Exists(inbox))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(inbox))
        {
            if (!IsIgnoredName(Path.GetFileName(file)) && !excludedFolders.Contains(Path.GetDirectoryName(file)!))
            {
                yield return file;
            }
        }
    }

    /// <summary>Forgets <paramref name="path"/>, so that it is looked at afresh: a file to be taken again once it has settled.</summary>
    public void Forget(string path)
    {
        taken.Remove(path);
        seen.Remove(path);
    }

    /// <summary>Looks at the candidates now; returns those that have just become complete. Each path is returned once.</summary>
    public IReadOnlyList<string> Update(IEnumerable<string> candidates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ready = new List<string>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in candidates)
        {
            present.Add(path);
            if (taken.Contains(path) || !TrySignature(path, out var size, out var modified))
            {
                continue;
            }

            // Scanners often create the file first and fill it later: an empty one is never complete, however long
            // it stays so, and its quiet period starts when content arrives.
            if (size == 0 && !(emptyFoldersComplete && Directory.Exists(path)))
            {
                seen[path] = (size, modified, now);
                continue;
            }

            if (!seen.TryGetValue(path, out var last) || last.Size != size || last.Modified != modified)
            {
                seen[path] = (size, modified, now);
                if (quietPeriod > TimeSpan.Zero)
                {
                    continue;
                }
            }

            if (now - seen[path].Since >= quietPeriod)
            {
                taken.Add(path);
                seen.Remove(path);
                ready.Add(path);
            }
        }

        // Files that went away (moved by us, or by a person) are forgotten, so the same name can come back.
        foreach (var gone in seen.Keys.Where(p => !present.Contains(p)).ToList())
        {
            seen.Remove(gone);
        }

        taken.RemoveWhere(p => !present.Contains(p));
        return ready;
    }

    private static bool TryFolderSignature(string path, out long size, out DateTime modified)
    {
        size = 0;
        modified = Directory.GetLastWriteTimeUtc(path);
        foreach (var part in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (IsIgnoredName(part.Name))
            {
                return false;
            }

            size += part.Length;
            modified = part.LastWriteTimeUtc > modified ? part.LastWriteTimeUtc : modified;
        }

        return true;
    }

    private static bool TrySignature(string path, out long size, out DateTime modified)
    {
        size = 0;
        modified = DateTime.MinValue;
        try
        {
            if (Directory.Exists(path))
            {
                return TryFolderSignature(path, out size, out modified);
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return false;
            }

            size = info.Length;
            modified = info.LastWriteTimeUtc;

            // MIRAX: the .mrxs is small; the slide is in the folder of the same name, written afterwards or alongside.
            if (path.EndsWith(".mrxs", StringComparison.OrdinalIgnoreCase))
            {
                var folder = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
                if (Directory.Exists(folder))
                {
                    foreach (var part in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
                    {
                        size += part.Length;
                        modified = part.LastWriteTimeUtc > modified ? part.LastWriteTimeUtc : modified;
                    }
                }
            }

            return true;
        }
        catch (IOException)
        {
            return false; // vanished or locked between listing and looking: look again next time
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

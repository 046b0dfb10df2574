namespace EdgeRuntime.Runtime.Results;

/// <summary>
/// A slide's results are written into a fresh temporary folder and then renamed into place, so that a crash
/// leaves either the previous complete results or the new complete ones, never a mix.
/// </summary>
internal sealed partial class ResultDirectory
{
    public ResultDirectory(string resultsRoot, string slideId)
    {
        // The id becomes a folder that Commit replaces (and deletes the old one of): an id from another box or a
        // request that named "../state" would delete a folder outside the results. Every caller checks its own input;
        // this is the line that holds when one does not.
        if (slideId is null || !FolderName().IsMatch(slideId))
        {
            throw new ArgumentException($"the slide id '{Shown(slideId)}' is not one plain folder name (letters, digits, '.', '-', '_', up to 128, not starting with '.'); no result is written for it.", nameof(slideId));
        }

        Final = Path.GetFullPath(Path.Combine(resultsRoot, slideId));
        Staging = Path.GetFullPath(Path.Combine(resultsRoot, $".{slideId}.{Guid.NewGuid():N}.tmp"));
    }

    /// <summary>The final folder.</summary>
    public string Final { get; }

    /// <summary>The folder being written.</summary>
    public string Staging { get; }

    /// <summary>
    /// Deletes what a process killed while writing results left behind (staging folders, and a result being replaced);
    /// returns how many. Only at start, before any slide is taken: the slides they belonged to were not done and will
    /// be done again. Without this, every crash mid-write would leave a slide's worth of files on the disk.
    /// </summary>
    public static int RemoveLeftovers(string resultsRoot)
    {
        if (!Directory.Exists(resultsRoot))
        {
            return 0;
        }

        var leftovers = Directory.EnumerateDirectories(resultsRoot, ".*.tmp").Concat(Directory.EnumerateDirectories(resultsRoot, "*.old")).ToList();
        foreach (var folder in leftovers)
        {
            Directory.Delete(folder, recursive: true);
        }

        return leftovers.Count;
    }

    /// <summary>Creates the staging folder.</summary>
    public void Begin() => Directory.CreateDirectory(Staging);

    /// <summary>Replaces the final folder with the staging one.</summary>
    public void Commit()
    {
        if (Directory.Exists(Final))
        {
            var old = Final + $".{Guid.NewGuid():N}.old";
            Directory.Move(Final, old);
            Directory.Move(Staging, Final);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(Staging, Final);
        }
    }

    /// <summary>Removes the staging folder after a failure.</summary>
    public void Abandon()
    {
        if (Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
    }

    private static string Shown(string? id) =>
        id is null ? "(none)" : new string(id.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray()) + (id.Length > 80 ? "..." : "");

    [System.Text.RegularExpressions.GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial System.Text.RegularExpressions.Regex FolderName();
}

namespace EdgeRuntime.Runtime.Results;

/// <summary>
/// A slide's results are written into a fresh temporary folder and then renamed into place, so that a crash
/// leaves either the previous complete results or the new complete ones, never a mix.
/// </summary>
internal sealed class ResultDirectory(string resultsRoot, string slideId)
{
    /// <summary>The final folder.</summary>
    public string Final { get; } = Path.GetFullPath(Path.Combine(resultsRoot, slideId));

    /// <summary>The folder being written.</summary>
    public string Staging { get; } = Path.GetFullPath(Path.Combine(resultsRoot, $".{slideId}.{Guid.NewGuid():N}.tmp"));

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
}

namespace EdgeRuntime.Pipeline.Results;

/// <summary>
/// A slide's results are written into a fresh temporary folder and then renamed into place, so that a crash
/// leaves either the previous complete results or the new complete ones, never a mix.
/// </summary>
public sealed class ResultDirectory(string resultsRoot, string slideId)
{
    /// <summary>The final folder.</summary>
    public string Final { get; } = Path.GetFullPath(Path.Combine(resultsRoot, slideId));

    /// <summary>The folder being written.</summary>
    public string Staging { get; } = Path.GetFullPath(Path.Combine(resultsRoot, $".{slideId}.{Guid.NewGuid():N}.tmp"));

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

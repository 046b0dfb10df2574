namespace EdgeRuntime.Runtime.Processing;

/// <summary>
/// The results folder could not be written (read-only, no permission, not a folder, gone, full): not the slide's fault,
/// so the slide waits for the store rather than failing. Thrown only for the results store's own operations (the
/// staging folder, <c>result.json</c>, the commit), never for reading the slide.
/// </summary>
internal sealed class ResultsStoreUnavailableException(string resultsDirectory, Exception inner)
    : IOException($"{resultsDirectory}: the results folder cannot be written ({inner?.Message})", inner)
{
    /// <summary>The results folder.</summary>
    public string ResultsDirectory { get; } = resultsDirectory;
}

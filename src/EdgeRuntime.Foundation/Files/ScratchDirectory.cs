namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// A private temporary folder for files nobody keeps (a one-shot command's or a validation's task outputs, read
/// and dropped), removed when disposed.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    /// <summary>Creates the folder under <paramref name="parent"/>, or under the system's temporary folder.</summary>
    public ScratchDirectory(string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), $".edgert-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temporary folder: nothing depends on it.
        }
    }
}

namespace EdgeRuntime.Cli.Commands;

/// <summary>A private temporary folder for files a command does not keep, removed when disposed.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), $".edgert-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

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

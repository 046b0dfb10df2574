namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// Writes a file so that a crash leaves either the old file or the new one, never half of one: write a
/// temporary file beside it, flush it to disk, rename it over the target. Every file the runtime writes for
/// others to read (pictures, feature files, caches, the active-plugins file) goes through here.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Read and write: some writers (PureHDF) seek back and read what they wrote.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlyMemory<byte> bytes) => Write(path, s => s.Write(bytes.Span));

    /// <summary>Replaces <paramref name="path"/> with a copy of the finished file <paramref name="source"/> (a rename alone is a copy when the two are on different file systems, and would not be flushed).</summary>
    public static void Copy(string source, string path) => Write(path, s =>
    {
        using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read);
        from.CopyTo(s);
    });

    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/>.</summary>
    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));
}

namespace EdgeRuntime.Ingest.Inbox;

/// <summary>
/// A slide's stable, content-based id, so that the same file dropped twice (under any name) is recognised:
/// OpenSlide's <c>openslide.quickhash-1</c> where the format has one (a hash of the smallest level and the
/// properties, cheap on multi-gigabyte slides), otherwise the SHA-256 of the file. 20 hex digits.
/// </summary>
public static class SlideIdentity
{
    /// <summary>The id length in hex digits (80 bits).</summary>
    public const int Length = 20;

    /// <summary>The id of a slide whose properties are known.</summary>
    public static string Of(string path, IReadOnlyDictionary<string, string>? properties)
    {
        if (properties is not null && properties.TryGetValue("openslide.quickhash-1", out var quick) && quick.Length >= Length)
        {
            return quick[..Length].ToLowerInvariant();
        }

        return OfFile(path);
    }

    /// <summary>The SHA-256-based id of a file's bytes (for files no reader opens).</summary>
    public static string OfFile(string path) => Foundation.Files.FileHash.Sha256(path)[..Length];

    /// <summary>The SHA-256-based id of the first <paramref name="length"/> bytes of an open file, stopping when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static string Of(Stream content, long length, CancellationToken cancellationToken) => Foundation.Files.FileHash.Sha256(content, length, cancellationToken)[..Length];
}

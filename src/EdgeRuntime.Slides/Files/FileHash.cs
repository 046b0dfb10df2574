using System.Security.Cryptography;

namespace EdgeRuntime.Slides.Files;

/// <summary>SHA-256 of a file, streamed, as lower-case hex (what <c>sha256sum</c> prints).</summary>
public static class FileHash
{
    /// <summary>The file's SHA-256; the file may be open for writing elsewhere.</summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

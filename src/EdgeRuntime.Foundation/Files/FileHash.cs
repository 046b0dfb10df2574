using System.Security.Cryptography;

namespace EdgeRuntime.Foundation.Files;

/// <summary>SHA-256 of a file, streamed, as lower-case hex (what <c>sha256sum</c> prints).</summary>
public static class FileHash
{
    /// <summary>
    /// The file's SHA-256; the file may be open for writing elsewhere. Every check of a package's or plugin's files
    /// comes here, so where a <see cref="FileHashRecord"/> is in use, an unchanged file is answered from it, not read.
    /// </summary>
    public static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20);
        return FileHashRecord.Current is { } record ? record.Sha256(stream) : Compute(stream);
    }

    internal static string Compute(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    /// <summary>
    /// The SHA-256 of the first <paramref name="length"/> bytes of <paramref name="stream"/> (the size the file had when
    /// it was checked: a file that keeps growing, or anything endless, is never read past it), stopping when
    /// <paramref name="cancellationToken"/> is cancelled (the caller's time bound).
    /// </summary>
    public static string Sha256(Stream stream, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var left = length;
        while (left > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                break; // shorter than it was: hash what is there
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

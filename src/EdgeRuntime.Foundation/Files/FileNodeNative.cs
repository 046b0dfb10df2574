using System.Runtime.InteropServices;

namespace EdgeRuntime.Foundation.Files;

/// <summary>The C library calls <see cref="FileNode"/> and <see cref="FileStamp"/> need (glibc 2.28 or later for <c>statx</c>).</summary>
internal static unsafe partial class FileNodeNative
{
    private const string LibC = "libc.so.6";

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string from, string to);

    [LibraryImport(LibC, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();
}

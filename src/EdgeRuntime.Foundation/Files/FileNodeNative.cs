using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

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

    private const int AtEmptyPath = 0x1000;

    /// <summary>
    /// <paramref name="stat"/> (a <c>statx</c> reader) on what an open handle refers to (<c>AT_EMPTY_PATH</c>), the
    /// handle kept from being closed under the call.
    /// </summary>
    public static T OfHandle<T>(SafeFileHandle handle, Func<int, string, int, T> stat)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return stat((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [LibraryImport(LibC, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();
}

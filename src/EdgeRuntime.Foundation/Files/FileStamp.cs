using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace EdgeRuntime.Foundation.Files;

/// <summary>
/// A file's identity and state as the kernel keeps them (Linux <c>statx</c>), to the nanosecond: what
/// <see cref="FileHashRecord"/> keys a kept hash by. The change time is in it because no user can set it: writing,
/// truncating, renaming or changing the mode of a file sets it to the kernel's clock, so a file edited and its
/// modification time put back (<c>touch -d</c>) still differs here.
/// </summary>
/// <param name="Device">The device that holds the file (major, minor packed).</param>
/// <param name="Inode">Its inode number.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ModifiedNs">Its modification time, nanoseconds since 1970.</param>
/// <param name="ChangedNs">Its change time (contents or inode), nanoseconds since 1970.</param>
/// <param name="Owner">The owning user's id.</param>
/// <param name="Mode">Its type and permission bits (<c>st_mode</c>).</param>
internal readonly record struct FileStamp(ulong Device, ulong Inode, long Size, long ModifiedNs, long ChangedNs, uint Owner, uint Mode)
{
    // STATX_TYPE | MODE | UID | MTIME | CTIME | INO | SIZE: a file system that cannot say one of these gives no stamp.
    private const uint Needed = 0x1 | 0x2 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200;
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>Whether it is a regular file.</summary>
    public bool IsRegular => (Mode & 0xF000) == 0x8000;

    /// <summary>Whether it is a folder.</summary>
    public bool IsDirectory => (Mode & 0xF000) == 0x4000;

    /// <summary>Whether users other than the owner may write it (group or other write bit).</summary>
    public bool WritableByOthers => (Mode & 0x12) != 0;

    /// <summary>The stamp of the file an open handle refers to; null where the kernel cannot give every field.</summary>
    public static FileStamp? Of(SafeFileHandle handle) => FileNodeNative.OfHandle(handle, Stat);

    /// <summary>The stamp of <paramref name="path"/> itself (a final link is not followed); null if none.</summary>
    public static FileStamp? Of(string path) => Stat(AtCurrentDirectory, path, AtSymlinkNoFollow);

    /// <summary>The user this process acts as.</summary>
    public static uint EffectiveUser => FileNodeNative.GetEffectiveUserId();

    private static unsafe FileStamp? Stat(int directory, string path, int flags)
    {
        var buffer = stackalloc byte[256];
        if (FileNodeNative.Statx(directory, path, flags, Needed, buffer) != 0)
        {
            return null;
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        if ((BinaryPrimitives.ReadUInt32LittleEndian(span) & Needed) != Needed)
        {
            return null;
        }

        static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
            (BinaryPrimitives.ReadInt64LittleEndian(timestamp) * 1_000_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(timestamp[8..]);

        return new FileStamp(
            ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[32..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]),
            Nanoseconds(span[112..]),
            Nanoseconds(span[96..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[20..]),
            BinaryPrimitives.ReadUInt16LittleEndian(span[28..]));
    }
}

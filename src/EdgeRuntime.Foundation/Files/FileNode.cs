using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeRuntime.Foundation.Files;

/// <summary>What kind of thing a directory entry is, as <c>lstat</c> says (a link is a link, not what it points to).</summary>
public enum FileNodeKind
{
    /// <summary>Nothing at that path (or a name the file system cannot be asked about).</summary>
    Missing,

    /// <summary>A regular file: the only kind the inbox takes.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>A symbolic link (not followed).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening one for reading blocks until a writer comes.</summary>
    Fifo,

    /// <summary>A Unix socket.</summary>
    Socket,

    /// <summary>A character device (<c>/dev/urandom</c>: endless).</summary>
    CharacterDevice,

    /// <summary>A block device (a disk).</summary>
    BlockDevice,
}

/// <summary>
/// One file-system node as the kernel describes it (Linux <c>statx</c>): its kind, size, time and identity (device and
/// inode), without following a link; and a read-only open that refuses anything but a regular file, by the same path,
/// without following a link and without blocking on a pipe. .NET has no managed way to ask a file's type or identity,
/// nor to open with <c>O_NOFOLLOW</c>, hence this small binding to the C library.
/// </summary>
/// <param name="Kind">What it is.</param>
/// <param name="Size">Its size in bytes (a link's own size for a link).</param>
/// <param name="Modified">Its modification time, UTC.</param>
/// <param name="Device">The device that holds it (major, minor packed): with <paramref name="Inode"/>, which file it is.</param>
/// <param name="Inode">Its inode number.</param>
/// <param name="Links">How many names it has.</param>
public readonly record struct FileNode(FileNodeKind Kind, long Size, DateTime Modified, ulong Device, ulong Inode, uint Links)
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ONonBlock = 0x800;
    private const int ONoCtty = 0x100;
    private const int OCloseOnExec = 0x80000;

    /// <summary>The node at <paramref name="path"/>, not following a final link; <see cref="FileNodeKind.Missing"/> if none.</summary>
    public static FileNode Of(string path) => Stat(AtCurrentDirectory, path, AtSymlinkNoFollow);

    /// <summary>The node an open handle refers to (<c>fstat</c>).</summary>
    public static FileNode Of(SafeFileHandle handle) => FileNodeNative.OfHandle(handle, Stat);

    /// <summary>Whether <paramref name="other"/> is the same file (device and inode).</summary>
    public bool IsSameFile(FileNode other) => Kind != FileNodeKind.Missing && Device == other.Device && Inode == other.Inode;

    /// <summary>
    /// Opens <paramref name="path"/> for reading only if it is a regular file itself: a link is not followed
    /// (<c>O_NOFOLLOW</c>), a pipe cannot block the open (<c>O_NONBLOCK</c>), and the opened handle is checked to be a
    /// regular file, so a swap between looking and opening is caught. Throws <see cref="IOException"/> naming the path
    /// and what it is otherwise.
    /// </summary>
    public static FileStream OpenRegular(string path, int bufferSize = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fd = FileNodeNative.Open(path, ONonBlock | ONoCtty | OCloseOnExec | NoFollow);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == Eloop
                ? new IOException($"{path}: a link; the inbox does not follow links.", errno)
                : new IOException($"{path}: cannot be opened ({Marshal.GetPInvokeErrorMessage(errno)}).", errno);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var node = Of(handle);
            if (node.Kind != FileNodeKind.Regular)
            {
                throw new IOException($"{path}: {Describe(node.Kind)}, not a regular file.");
            }

            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Renames the node itself (a link, a pipe, a folder) with <c>rename(2)</c>: never a copy, which .NET falls back to
    /// across file systems and which would read what a link points to. Returns false (the node stays) if the target is
    /// on another file system or the rename fails otherwise.
    /// </summary>
    public static bool TryRenameNode(string from, string to) => FileNodeNative.Rename(from, to) == 0;

    /// <summary>The kind in words, for reason notes.</summary>
    public static string Describe(FileNodeKind kind) => kind switch
    {
        FileNodeKind.Missing => "gone",
        FileNodeKind.Regular => "a regular file",
        FileNodeKind.Directory => "a folder",
        FileNodeKind.SymbolicLink => "a symbolic link",
        FileNodeKind.Fifo => "a named pipe (FIFO)",
        FileNodeKind.Socket => "a socket",
        FileNodeKind.CharacterDevice => "a character device",
        FileNodeKind.BlockDevice => "a block device",
        _ => "not a file",
    };

    // O_NOFOLLOW differs by architecture (asm-generic vs x86); ELOOP is what open says for a link with it.
    private static int NoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    private const int Eloop = 40;

    private static unsafe FileNode Stat(int directory, string path, int flags)
    {
        var buffer = stackalloc byte[256];
        if (FileNodeNative.Statx(directory, path, flags, StatxBasicStats, buffer) != 0)
        {
            return new FileNode(FileNodeKind.Missing, 0, DateTime.MinValue, 0, 0, 0);
        }

        var span = new ReadOnlySpan<byte>(buffer, 256);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileNodeKind.Regular,
            0x4000 => FileNodeKind.Directory,
            0xA000 => FileNodeKind.SymbolicLink,
            0x1000 => FileNodeKind.Fifo,
            0xC000 => FileNodeKind.Socket,
            0x2000 => FileNodeKind.CharacterDevice,
            0x6000 => FileNodeKind.BlockDevice,
            _ => FileNodeKind.Missing,
        };
        var links = BinaryPrimitives.ReadUInt32LittleEndian(span[16..]);
        var inode = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
        var size = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        var seconds = BinaryPrimitives.ReadInt64LittleEndian(span[112..]);
        var nanoseconds = BinaryPrimitives.ReadUInt32LittleEndian(span[120..]);
        var device = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(span[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(span[140..]);
        var modified = DateTime.UnixEpoch.AddSeconds(seconds).AddTicks(nanoseconds / 100);
        return new FileNode(kind, size, modified, device, inode, links);
    }
}

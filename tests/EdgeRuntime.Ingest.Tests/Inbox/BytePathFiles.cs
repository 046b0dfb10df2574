using System.Runtime.InteropServices;
using Xunit;

namespace EdgeRuntime.Ingest.Tests.Inbox;

/// <summary>Files whose names are bytes, not UTF-8 text: .NET strings cannot hold them, the C library can.</summary>
internal static partial class BytePathFiles
{
    [LibraryImport("libc.so.6", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags, int mode);

    [LibraryImport("libc.so.6", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte[] buffer, nint count);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "unlink")]
    public static partial int Unlink(byte[] path);

    public static void CreateWithContent(byte[] path, byte[] content)
    {
        var fd = Open(path, 0x41 /* O_WRONLY | O_CREAT */, 420);
        Assert.True(fd >= 0, $"open failed: errno {Marshal.GetLastPInvokeError()}");
        Assert.Equal(content.Length, (int)Write(fd, content, content.Length));
        Assert.Equal(0, Close(fd));
    }
}

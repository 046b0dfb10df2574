using EdgeRuntime.Fleet;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A box taking a fleet offer opens only what the inbox would have taken: a regular file below the shared storage,
/// reached through folders, of the offered size. Real links, a real device and a real FIFO on this file system.
/// </summary>
public sealed class SharedSlideFileTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly string root;

    public SharedSlideFileTests()
    {
        root = Directory.CreateDirectory(temp.File("shared")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "box1"));
        File.WriteAllBytes(Path.Combine(root, "box1", "a.svs"), new byte[1234]);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_offered_file_is_found_at_its_size()
    {
        var (path, refusal) = SharedSlideFile.Find(root, "box1/a.svs", 1234);
        Assert.Null(refusal);
        Assert.Equal(Path.Combine(root, "box1", "a.svs"), path);
    }

    [Theory]
    [InlineData("../outside.svs", "leads out of the shared storage")]
    [InlineData("box1/../../outside.svs", "leads out of the shared storage")]
    [InlineData("/etc/shadow", "not relative to the shared storage")]
    [InlineData("", "not relative to the shared storage")]
    [InlineData("box1/missing.svs", "is not on this box's shared storage mount")]
    public void A_path_outside_or_missing_is_refused(string relative, string reason)
    {
        var (path, refusal) = SharedSlideFile.Find(root, relative, 1234);
        Assert.Null(path);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_other_than_the_offer_is_refused()
    {
        var (path, refusal) = SharedSlideFile.Find(root, "box1/a.svs", 99);
        Assert.Null(path);
        Assert.Contains("has 1234 bytes, the offer says 99", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_devices_and_pipes_are_refused_before_anything_opens_them()
    {
        File.CreateSymbolicLink(Path.Combine(root, "box1", "shadow.svs"), "/etc/shadow");
        File.CreateSymbolicLink(Path.Combine(root, "box1", "random.svs"), "/dev/urandom");
        Directory.CreateSymbolicLink(Path.Combine(root, "elsewhere"), "/etc");
        ExternalTool.Run("/usr/bin/mkfifo", [Path.Combine(root, "box1", "pipe.svs")]);

        Assert.Contains("a symbolic link, not a regular file", SharedSlideFile.Find(root, "box1/shadow.svs", new FileInfo("/etc/shadow").Length).Refusal, StringComparison.Ordinal);
        Assert.Contains("a symbolic link, not a regular file", SharedSlideFile.Find(root, "box1/random.svs", 0).Refusal, StringComparison.Ordinal);
        Assert.Contains("a symbolic link, not a folder", SharedSlideFile.Find(root, "elsewhere/hostname", new FileInfo("/etc/hostname").Length).Refusal, StringComparison.Ordinal);
        Assert.Contains("a named pipe (FIFO), not a regular file", SharedSlideFile.Find(root, "box1/pipe.svs", 0).Refusal, StringComparison.Ordinal);
    }
}

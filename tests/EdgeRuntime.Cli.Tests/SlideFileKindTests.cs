using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A slide path that is a named pipe or a device is named for what it is, and never opened: before,
/// <c>edgert slide info fifo.svs</c> said "the file is empty (0 bytes)", and a pipe with a writer would have been read.
/// </summary>
public sealed class SlideFileKindTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Slide_info_on_a_named_pipe_exits_1_saying_it_is_a_pipe()
    {
        var pipe = temp.File("fifo.svs");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        var run = Task.Run(() => Edgert.Run("slide", "info", pipe));
        var (code, _, error) = await run.WaitAsync(TimeSpan.FromMinutes(2)); // a guard against opening the pipe, not a timing
        Assert.Equal(1, code);
        Assert.Contains($"{pipe}: a named pipe (FIFO), not a slide file.", error);
        Assert.DoesNotContain("empty", error);
    }

    [Fact]
    public void Thumbnail_of_a_link_to_a_device_names_the_device()
    {
        var link = temp.File("slide.svs");
        File.CreateSymbolicLink(link, "/dev/null");
        var (code, _, error) = Edgert.Run("slide", "thumbnail", link, "-o", temp.File("t.png"));
        Assert.Equal(1, code);
        Assert.Contains($"{link}: a link to /dev/null, a character device, not a slide file.", error);
        Assert.False(File.Exists(temp.File("t.png")));
    }
}

using EdgeRuntime.Foundation.Files;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Foundation.Tests.Files;

/// <summary>
/// The one resolver behind the checks of files to read (<see cref="RegularFile"/>) and of files and folders to write
/// (the CLI's output checks): a chain of links is followed to its end, a loop and a dangling link are told apart.
/// </summary>
public sealed class LinkedPathTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_plain_file_is_its_own_end()
    {
        var file = temp.File("plain.json");
        File.WriteAllText(file, "{}");
        var resolved = LinkedPath.Resolve(file);
        Assert.Equal((file, FileNodeKind.Regular, false, false, false, string.Empty), (resolved.Target, resolved.Node.Kind, resolved.IsLink, resolved.IsLoop, resolved.IsDangling, resolved.Through));
    }

    [Fact]
    public void A_chain_of_links_is_followed_to_its_last_target()
    {
        var file = temp.File("real.json");
        File.WriteAllText(file, "{}");
        var middle = temp.File("middle");
        File.CreateSymbolicLink(middle, file);
        var first = temp.File("first");
        File.CreateSymbolicLink(first, "middle"); // relative to its own folder
        var resolved = LinkedPath.Resolve(first);
        Assert.True(resolved.IsLink);
        Assert.Equal(file, resolved.Target);
        Assert.Equal(FileNodeKind.Regular, resolved.Node.Kind);
        Assert.Equal($"a link to {file}, ", resolved.Through);
    }

    [Fact]
    public void Links_round_in_a_loop_are_a_loop_with_no_end()
    {
        var a = temp.File("a");
        var b = temp.File("b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        var resolved = LinkedPath.Resolve(a);
        Assert.True(resolved.IsLoop);
        Assert.False(resolved.IsDangling);
        Assert.Equal(string.Empty, resolved.Through);

        var self = temp.File("self");
        File.CreateSymbolicLink(self, self);
        Assert.True(LinkedPath.Resolve(self).IsLoop);
    }

    [Fact]
    public void A_link_to_nothing_is_dangling_and_names_where_it_points()
    {
        var link = temp.File("dangling");
        var gone = temp.File("gone");
        File.CreateSymbolicLink(link, gone);
        var resolved = LinkedPath.Resolve(link);
        Assert.True(resolved.IsDangling);
        Assert.Equal(gone, resolved.Target);
        Assert.Equal(FileNodeKind.Missing, resolved.Node.Kind);
        Assert.False(LinkedPath.Resolve(temp.File("never-made")).IsDangling); // missing, but no link
    }

    [Fact]
    public void A_link_to_a_device_ends_at_the_device_and_the_reader_check_says_so()
    {
        var link = temp.File("zero.json");
        File.CreateSymbolicLink(link, "/dev/zero");
        var resolved = LinkedPath.Resolve(link);
        Assert.Equal(("/dev/zero", FileNodeKind.CharacterDevice), (resolved.Target, resolved.Node.Kind));
        Assert.Equal("a link to /dev/zero, a character device, not a configuration file.", RegularFile.Problem(link, "a configuration file", 1 << 20));
    }

    [Fact]
    public void The_reader_check_names_a_loop_and_a_dangling_link()
    {
        var loop = temp.File("loop");
        File.CreateSymbolicLink(loop, loop);
        Assert.Equal("a link that leads round in a loop, not a label map.", RegularFile.Problem(loop, "a label map", 1 << 20));
        var dangling = temp.File("dangling");
        File.CreateSymbolicLink(dangling, temp.File("gone"));
        Assert.Equal($"a link to {temp.File("gone")}, which does not exist.", RegularFile.Problem(dangling, "a label map", 1 << 20));
    }
}

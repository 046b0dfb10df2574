using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A file to write (<c>-o</c>, <c>--output</c>, <c>--tiles</c>) that cannot take the result is refused before the work,
/// naming the option, the path and what is wrong: before, <c>edgert slide thumbnail -o /tmp</c> and
/// <c>edgert embed -o /tmp</c> ran the whole slide and then ended in .NET's "Is a directory".
/// </summary>
public sealed class OutputFileCheckTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Thumbnail_into_a_folder_exits_2_at_once_naming_it()
    {
        var folder = temp.Path;
        var (code, _, error) = Edgert.Run("slide", "thumbnail", TestData.Slide("boxes.png"), "-o", folder);
        Assert.Equal(2, code);
        Assert.Contains($"--output: {folder}: a folder; name a file to write a PNG picture to.", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public void Embed_into_a_folder_exits_2_before_the_model_is_loaded()
    {
        // The model does not exist: the refusal must come before anything is opened.
        var (code, _, error) = Edgert.Run("embed", TestData.Slide("boxes.png"), "-m", temp.File("no-model"), "-o", temp.Path);
        Assert.Equal(2, code);
        Assert.Contains($"--output: {temp.Path}: a folder; name a file to write an HDF5 file to.", error);
        Assert.DoesNotContain("no-model", error);
    }

    [Fact]
    public void Missing_folders_are_made_by_the_writer_and_a_device_link_a_pipe_and_a_file_in_place_of_a_folder_are_named()
    {
        // Missing folders are made by the writers, as the service's tag --tiles and embed -o always did; under a file they cannot be.
        Assert.Null(OutputFileCheck.Problem(Path.Combine(temp.Path, "no-such-folder", "deeper", "t.png"), "a PNG picture"));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "no-such-folder")));

        var link = temp.File("t.png");
        File.CreateSymbolicLink(link, "/dev/null");
        Assert.Equal("a link to /dev/null, a character device; name a file to write a PNG picture to.", OutputFileCheck.Problem(link, "a PNG picture"));

        var pipe = temp.File("pipe.h5");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        Assert.Equal("a named pipe (FIFO); name a file to write an HDF5 file to.", OutputFileCheck.Problem(pipe, "an HDF5 file"));

        var file = temp.File("plain");
        File.WriteAllText(file, "x");
        Assert.Equal($"{file} is not a folder.", OutputFileCheck.Problem(Path.Combine(file, "t.png"), "a PNG picture"));
        Assert.Equal($"{file} is not a folder.", OutputFileCheck.Problem(Path.Combine(file, "missing", "t.png"), "a PNG picture"));
    }

    [Fact]
    public void A_new_file_and_an_existing_one_are_taken_and_left_as_they_were()
    {
        Assert.Null(OutputFileCheck.Problem(temp.File("new.png"), "a PNG picture"));
        Assert.False(File.Exists(temp.File("new.png")));
        var existing = temp.File("old.md");
        File.WriteAllText(existing, "kept");
        Assert.Null(OutputFileCheck.Problem(existing, "a Markdown table"));
        Assert.Equal("kept", File.ReadAllText(existing));
        Assert.Single(Directory.GetFileSystemEntries(temp.Path), e => Path.GetFileName(e) == "old.md");
    }

    [Fact]
    public void Tag_tiles_and_compare_output_are_checked_too()
    {
        var (tagCode, _, tagError) = Edgert.Run("tag", TestData.Slide("boxes.png"), "--tiles", temp.Path);
        Assert.Equal(2, tagCode);
        Assert.Contains($"--tiles: {temp.Path}: a folder", tagError);
        var plain = temp.File("plain.txt");
        File.WriteAllText(plain, "x");
        var (compareCode, _, compareError) = Edgert.Run("eval", "compare", temp.File("report.json"), "-o", Path.Combine(plain, "t.md"));
        Assert.Equal(2, compareCode);
        Assert.Contains($"--output: {Path.Combine(plain, "t.md")}: {plain} is not a folder.", compareError);
    }
}

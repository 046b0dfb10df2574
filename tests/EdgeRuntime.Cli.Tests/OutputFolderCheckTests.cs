using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// A folder to write into (<c>process --out</c>, <c>eval … -o</c>, <c>--cache</c>, <c>search --preview</c>,
/// <c>prototypes build -o</c>, <c>models import --out</c>, <c>eval cells -o</c>) that cannot take the results is
/// refused while the command line is parsed (exit 2), naming the option, the path and what is wrong, before any model,
/// slide or dataset is opened. A missing folder is fine: the writers make it.
/// </summary>
public sealed class OutputFolderCheckTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string PlainFile()
    {
        var file = temp.File("plain.txt");
        File.WriteAllText(file, "x");
        return file;
    }

    [Fact]
    public void Process_out_naming_a_file_exits_2_before_the_model_is_opened()
    {
        var file = PlainFile();
        var (code, _, error) = Edgert.Run("process", TestData.Slide("boxes.png"), "--out", file, "-m", temp.File("no-model"));
        Assert.Equal(2, code);
        Assert.Contains($"--out: {file}: a regular file; name a folder to write the results into.", error);
        Assert.DoesNotContain("no-model", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public void Eval_output_and_cache_under_a_file_or_through_a_looping_link_exit_2_before_the_dataset_is_read()
    {
        var file = PlainFile();
        var loop = temp.File("loop");
        File.CreateSymbolicLink(loop, loop);
        var (code, _, error) = Edgert.Run("eval", "zero-shot", temp.File("no-dataset.csv"), "-o", Path.Combine(file, "report"), "--cache", loop);
        Assert.Equal(2, code);
        Assert.Contains($"--output: {Path.Combine(file, "report")}: {file} is not a folder.", error);
        Assert.Contains($"--cache: {loop}: a link that leads round in a loop, not a folder for the embedding cache.", error);
        Assert.DoesNotContain("no-dataset", error);
    }

    [Fact]
    public void Every_output_folder_option_is_checked()
    {
        var file = PlainFile();
        string[][] commands =
        [
            ["search", "tumour", "--preview", file],
            ["prototypes", "build", temp.Path, "-o", file],
            ["models", "import", "--family", "conch", temp.Path, "--out", file],
            ["eval", "cells", temp.File("truth.npy"), temp.File("predictions"), "-o", file],
            ["eval", "few-shot", temp.File("data.csv"), "-o", file],
            ["eval", "linear-probe", temp.File("data.csv"), "-o", file],
            ["eval", "retrieval", temp.File("data.csv"), "-o", file],
            ["eval", "segmentation", temp.File("data.csv"), "--palette", temp.File("palette.json"), "-o", file],
        ];
        foreach (var arguments in commands)
        {
            var (code, _, error) = Edgert.Run(arguments);
            Assert.True(code == 2, $"{string.Join(' ', arguments)}: exit {code}\n{error}");
            Assert.Contains($": {file}: a regular file; name a folder to write ", error);
        }
    }

    [Fact]
    public void A_pipe_a_device_link_and_a_dangling_link_are_named()
    {
        var pipe = temp.File("pipe");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        Assert.Equal("a named pipe (FIFO); name a folder to write the results into.", OutputFolderCheck.Problem(pipe, "the results"));

        var device = temp.File("null");
        File.CreateSymbolicLink(device, "/dev/null");
        Assert.Equal("a link to /dev/null, a character device; name a folder to write the results into.", OutputFolderCheck.Problem(device, "the results"));

        var dangling = temp.File("dangling");
        File.CreateSymbolicLink(dangling, temp.File("gone"));
        Assert.Equal($"a link to {temp.File("gone")}, which does not exist; make that folder, or name another for the results.", OutputFolderCheck.Problem(dangling, "the results"));
        Assert.Equal($"{dangling} is a link to {temp.File("gone")}, which does not exist.", OutputFolderCheck.Problem(Path.Combine(dangling, "sub"), "the results"));

        var loop = temp.File("loop");
        File.CreateSymbolicLink(loop, loop);
        Assert.Equal($"{loop} is a link that leads round in a loop, not a folder.", OutputFolderCheck.Problem(Path.Combine(loop, "sub"), "the results"));
    }

    [Fact]
    public void A_folder_that_takes_no_new_files_is_refused_whether_it_exists_or_is_still_to_be_made()
    {
        // /proc takes no new files even for root, whom no permission bit stops.
        Assert.Equal("a folder that does not take new files (no permission, or a read-only file system).", OutputFolderCheck.Problem("/proc", "the results"));
        Assert.Equal("the folder /proc does not take new files (no permission, or a read-only file system).", OutputFolderCheck.Problem("/proc/edgert-results/deeper", "the results"));
    }

    [Fact]
    public void An_existing_folder_a_missing_one_and_a_link_to_a_folder_are_taken_and_left_as_they_were()
    {
        Assert.Null(OutputFolderCheck.Problem(temp.Path, "the results"));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
        var missing = Path.Combine(temp.Path, "a", "b");
        Assert.Null(OutputFolderCheck.Problem(missing, "the results"));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "a")));
        var real = Directory.CreateDirectory(temp.File("real")).FullName;
        var link = temp.File("link");
        File.CreateSymbolicLink(link, real);
        Assert.Null(OutputFolderCheck.Problem(link, "the results"));
        Assert.Empty(Directory.GetFileSystemEntries(real));
    }
}

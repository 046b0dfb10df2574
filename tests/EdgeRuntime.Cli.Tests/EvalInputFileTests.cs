using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// The files <c>edgert eval</c> reads whole (the dataset CSV, <c>--map</c>, <c>--palette</c>, the reports compared)
/// are refused, exit 1, with the path and what it is when they are not a regular file of a sensible size: before, a
/// <c>--map</c> linked to <c>/dev/zero</c> ended in .NET's OutOfMemoryException and its stack trace, a CSV that is a
/// named pipe blocked for ever, and a dangling link came back as "Could not find file".
/// </summary>
public sealed class EvalInputFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_label_map_linked_to_an_endless_device_is_refused_without_reading_it()
    {
        var dataset = temp.File("tiles.csv");
        File.Copy(TestData.Slide("boxes.png"), temp.File("a.png"));
        File.WriteAllText(dataset, "path,label\na.png,adipose\n");
        var map = temp.File("labels.json");
        File.CreateSymbolicLink(map, "/dev/zero");
        var (code, _, error) = Run("eval", "zero-shot", dataset, "--map", map, "-o", temp.File("report"));
        Assert.Equal(1, code);
        Assert.Contains($"{map}: a link to /dev/zero, a character device, not a label map.", error);
        Assert.DoesNotContain("   at ", error);
        DotnetNames.AssertNone(error);
    }

    [Fact]
    public void A_dataset_csv_that_is_a_named_pipe_is_refused_without_waiting_for_a_writer()
    {
        var pipe = temp.File("tiles.csv");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        var (code, _, error) = Run("eval", "zero-shot", pipe, "-o", temp.File("report"));
        Assert.Equal(1, code);
        Assert.Contains($"{pipe}: a named pipe (FIFO), not a dataset CSV.", error);
    }

    [Fact]
    public void A_palette_that_is_a_folder_is_called_a_folder()
    {
        var dataset = temp.File("pairs.csv");
        File.WriteAllText(dataset, "image,mask\na.png,a.png\n");
        File.Copy(TestData.Slide("boxes.png"), temp.File("a.png"));
        var palette = Directory.CreateDirectory(temp.File("palette.json")).FullName;
        var (code, _, error) = Run("eval", "segmentation", dataset, "--palette", palette, "-o", temp.File("report"));
        Assert.Equal(1, code);
        Assert.Contains($"{palette}: a folder, not a palette.", error);
    }

    [Fact]
    public void A_compared_report_that_is_a_dangling_link_says_where_it_leads()
    {
        var report = temp.File("report.json");
        File.CreateSymbolicLink(report, temp.File("gone/report.json"));
        var (code, _, error) = Run("eval", "compare", report);
        Assert.Equal(1, code);
        Assert.Contains($"{report}: a link to {temp.File("gone/report.json")}, which does not exist.", error);
        DotnetNames.AssertNone(error);
    }

    // A guard, not a timing: without the check a pipe blocks the reader until a writer comes, which is never.
    private static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var run = Task.Run(() => Edgert.Run(args));
        Assert.True(run.Wait(TimeSpan.FromMinutes(3)), "edgert was still reading");
        return run.Result;
    }
}

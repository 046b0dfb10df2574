using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests.Datasets;

/// <summary>
/// A dataset CSV's image paths may lead outside its folder (relative or absolute: the person's own file on their own
/// machine), but what they name must be a regular file, itself or at the end of its links; a refusal names the CSV,
/// the line and the path. Before, a row naming a link to <c>/dev/zero</c> or a named pipe was read as an image.
/// </summary>
public sealed class DatasetImagePathTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Image(string name)
    {
        var path = temp.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47]);
        return path;
    }

    private string Csv(string header, params string[] rows)
    {
        var csv = Path.Combine(Directory.CreateDirectory(temp.File("sets")).FullName, "data.csv");
        File.WriteAllLines(csv, [header, .. rows]);
        return csv;
    }

    [Fact]
    public void Paths_outside_the_csvs_folder_relative_absolute_or_through_a_link_to_a_file_are_taken()
    {
        var a = Image("images/a.png");
        var b = Image("elsewhere/b.png");
        var linked = temp.File("images/linked.png");
        File.CreateSymbolicLink(linked, b);
        var csv = Csv("path,label", "../images/a.png,tumour", $"{b},stroma", "../images/linked.png,stroma");
        var dataset = TileDataset.Load(csv);
        Assert.Equal(new[] { a, b, linked }.Order(StringComparer.Ordinal), dataset.Images.Select(i => i.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_link_to_a_device_a_pipe_a_folder_a_loop_and_a_missing_file_are_refused_naming_csv_line_and_path()
    {
        var device = temp.File("zero.png");
        File.CreateSymbolicLink(device, "/dev/zero");
        var pipe = temp.File("pipe.png");
        ExternalTool.Run("/usr/bin/mkfifo", [pipe]);
        var loop = temp.File("loop.png");
        File.CreateSymbolicLink(loop, loop);
        Image("ok.png");
        var cases = new (string Row, string Expected)[]
        {
            ("../zero.png,x", $"line 3: {device}: a link to /dev/zero, a character device, not an image (path column)."),
            ("../pipe.png,x", $"line 3: {pipe}: a named pipe (FIFO), not an image (path column)."),
            ("..,x", $"line 3: {temp.Path}: a folder, not an image (path column)."),
            ("../loop.png,x", $"line 3: {loop}: a link that leads round in a loop, not an image (path column)."),
            ("../../no-such/a.png,x", $"line 3: {Path.GetFullPath(Path.Combine(temp.Path, "..", "no-such", "a.png"))}: no such file."),
            (",x", "line 3: the path column is empty."),
        };
        foreach (var (row, expected) in cases)
        {
            var csv = Csv("path,label", "../ok.png,y", row);
            var error = Assert.Throws<InvalidDataException>(() => TileDataset.Load(csv));
            Assert.Equal($"{csv}: {expected}", error.Message);
        }
    }

    [Fact]
    public void Caption_and_segmentation_csvs_check_their_image_and_mask_columns_the_same_way()
    {
        Image("ok.png");
        var device = temp.File("zero.png");
        File.CreateSymbolicLink(device, "/dev/zero");
        var captions = Csv("image,caption", "../ok.png,a caption", "../zero.png,another");
        Assert.Equal($"{captions}: line 3: {device}: a link to /dev/zero, a character device, not an image (image column).", Assert.Throws<InvalidDataException>(() => CaptionDataset.Load(captions)).Message);
        var masks = Csv("image,mask", "../ok.png,../zero.png");
        Assert.Equal($"{masks}: line 2: {device}: a link to /dev/zero, a character device, not an image (mask column).", Assert.Throws<InvalidDataException>(() => SegmentationDataset.Load(masks)).Message);
    }

    [Fact]
    public void A_class_folders_device_link_is_refused_naming_it()
    {
        Image("set/tumour/a.png");
        Image("set/stroma/b.png");
        var device = temp.File("set/stroma/zero.png");
        File.CreateSymbolicLink(device, "/dev/zero");
        Assert.Equal($"{device}: a link to /dev/zero, a character device, not an image.", Assert.Throws<InvalidDataException>(() => TileDataset.Load(temp.File("set"))).Message);
    }
}

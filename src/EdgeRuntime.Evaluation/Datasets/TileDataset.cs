namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// A dataset of labelled tiles in one of the layouts public pathology datasets use: a folder of class folders
/// (CRC-100K, LC25000: the folder names are the labels), or a CSV with a header naming <c>path</c>, <c>label</c> and
/// optionally <c>split</c> (paths relative to the CSV's folder).
/// </summary>
public sealed class TileDataset
{
    /// <summary>Image files a dataset may hold.</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"];

    private TileDataset(string source, IReadOnlyList<LabelledImage> images)
    {
        Source = source;
        Images = images;
    }

    /// <summary>The folder or CSV file it was read from.</summary>
    public string Source { get; }

    /// <summary>Every image, in a stable order (by label, then path).</summary>
    public IReadOnlyList<LabelledImage> Images { get; }

    /// <summary>The labels, in order.</summary>
    public IReadOnlyList<string> Labels => Images.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether any image names a split.</summary>
    public bool HasSplits => Images.Any(i => i.Split is not null);

    /// <summary>The images of <paramref name="split"/> (all of them when the dataset has no splits and <paramref name="split"/> is null).</summary>
    public IReadOnlyList<LabelledImage> Split(string? split) =>
        split is null ? Images : Images.Where(i => string.Equals(i.Split, split, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Reads a dataset; throws <see cref="InvalidDataException"/> naming the file, line or folder that is wrong.</summary>
    public static TileDataset Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return FromFolders(full);
        }

        if (File.Exists(full) && full.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return FromCsv(full);
        }

        throw new InvalidDataException($"{full}: not a folder of class folders nor a .csv file (path,label[,split]).");
    }

    private static TileDataset FromFolders(string root)
    {
        var images = new List<LabelledImage>();
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var label = System.IO.Path.GetFileName(folder);
            var files = Directory.GetFiles(folder).Where(IsImage).Order(StringComparer.Ordinal).ToList();
            files.ForEach(DatasetImagePath.RequireInFolder);
            images.AddRange(files.Select(f => new LabelledImage(f, label, null)));
        }

        if (images.Select(i => i.Label).Distinct().Count() < 2)
        {
            throw new InvalidDataException($"{root}: a dataset needs at least 2 class folders with images ({string.Join(", ", ImageExtensions)}).");
        }

        return new TileDataset(root, images);
    }

    /// <summary>A dataset with no image (a retrieval run on captions only).</summary>
    public static TileDataset Empty(string source) => new(source, []);

    /// <summary>Reads labelled images from a CSV whose column <paramref name="pathColumn"/> names the files; each file once.</summary>
    public static TileDataset LoadCsv(string file, string pathColumn)
    {
        var read = FromCsv(Path.GetFullPath(file), pathColumn);
        return new TileDataset(read.Source, read.Images.DistinctBy(i => i.Path).ToList());
    }

    private static TileDataset FromCsv(string file, string pathColumn = "path")
    {
        var images = new List<LabelledImage>();
        foreach (var (line, fields) in CsvTable.Read(file, [pathColumn, "label"]))
        {
            var image = DatasetImagePath.Resolve(file, line, pathColumn, fields[pathColumn]);

            var split = fields.TryGetValue("split", out var s) && s.Length > 0 ? s : null;
            images.Add(new LabelledImage(image, fields["label"], split));
        }

        return new TileDataset(file, images.OrderBy(i => i.Label, StringComparer.Ordinal).ThenBy(i => i.Path, StringComparer.Ordinal).ToList());
    }

    private static bool IsImage(string file) => ImageExtensions.Contains(System.IO.Path.GetExtension(file).ToLowerInvariant());
}

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// Image and mask pairs for segmentation (SICAPv2, DigestPath style): a CSV with a header naming <c>image</c> and
/// <c>mask</c>, paths relative to the CSV's folder. A mask covers its image (any size: it is scaled to the image).
/// </summary>
public sealed class SegmentationDataset
{
    private SegmentationDataset(string source, IReadOnlyList<(string Image, string Mask)> pairs)
    {
        Source = source;
        Pairs = pairs;
    }

    /// <summary>The CSV file.</summary>
    public string Source { get; }

    /// <summary>Every pair.</summary>
    public IReadOnlyList<(string Image, string Mask)> Pairs { get; }

    /// <summary>Reads the CSV; throws <see cref="InvalidDataException"/> naming the file and line that is wrong.</summary>
    public static SegmentationDataset Load(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var pairs = new List<(string, string)>();
        foreach (var (line, fields) in CsvTable.Read(file, ["image", "mask"]))
        {
            var image = DatasetImagePath.Resolve(file, line, "image", fields["image"]);
            var mask = DatasetImagePath.Resolve(file, line, "mask", fields["mask"]);

            pairs.Add((image, mask));
        }

        return new SegmentationDataset(file, pairs);
    }
}

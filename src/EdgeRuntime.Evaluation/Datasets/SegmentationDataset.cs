using System.Globalization;

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
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var pairs = new List<(string, string)>();
        foreach (var (line, fields) in CsvTable.Read(file, ["image", "mask"]))
        {
            var image = Path.GetFullPath(Path.Combine(folder, fields["image"]));
            var mask = Path.GetFullPath(Path.Combine(folder, fields["mask"]));
            foreach (var f in new[] { image, mask })
            {
                if (!File.Exists(f))
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: line {line}: {f} does not exist."));
                }
            }

            pairs.Add((image, mask));
        }

        return new SegmentationDataset(file, pairs);
    }
}

using System.Globalization;

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// Image–caption pairs for cross-modal retrieval (ARCH, Quilt-1M style): a CSV with a header naming <c>image</c> and
/// <c>caption</c> (paths relative to the CSV's folder); an image may have several captions, one row each.
/// </summary>
public sealed class CaptionDataset
{
    private CaptionDataset(string source, IReadOnlyList<string> images, IReadOnlyList<(int Image, string Caption)> captions)
    {
        Source = source;
        Images = images;
        Captions = captions;
        Texts = captions.Select(c => c.Caption).Distinct(StringComparer.Ordinal).ToList();
        var textIndex = Texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        ImagesOfText = Texts.Select(t => captions.Where(c => c.Caption == t).Select(c => c.Image).Distinct().Order().ToList()).ToList();
        TextOfCaption = captions.Select(c => textIndex[c.Caption]).ToList();
    }

    /// <summary>The CSV file.</summary>
    public string Source { get; }

    /// <summary>The distinct images, in order of first appearance.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>Every caption with the index of its image.</summary>
    public IReadOnlyList<(int Image, string Caption)> Captions { get; }

    /// <summary>The distinct caption texts (compared exactly, after trimming), in order of first appearance.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>For each of <see cref="Texts"/>, the images it captions.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ImagesOfText { get; }

    /// <summary>For each caption row, the index of its text in <see cref="Texts"/>.</summary>
    public IReadOnlyList<int> TextOfCaption { get; }

    /// <summary>Caption rows whose text an earlier row already has.</summary>
    public int DuplicateCaptions => Captions.Count - Texts.Count;

    /// <summary>Reads the CSV; throws <see cref="InvalidDataException"/> naming the file and line that is wrong.</summary>
    public static CaptionDataset Load(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var rows = CsvTable.Read(file, ["image", "caption"]);
        var images = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var captions = new List<(int, string)>();
        foreach (var (line, fields) in rows)
        {
            var image = DatasetImagePath.Resolve(file, line, "image", fields["image"]);

            if (string.IsNullOrWhiteSpace(fields["caption"]))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: line {line}: the caption is empty."));
            }

            if (!index.TryGetValue(image, out var i))
            {
                i = index[image] = images.Count;
                images.Add(image);
            }

            captions.Add((i, fields["caption"]));
        }

        return new CaptionDataset(file, images, captions);
    }
}

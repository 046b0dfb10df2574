using System.Globalization;
using System.Text.Json;

namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// Nucleus instance and class masks in one of three layouts, read one sample at a time:
/// <list type="bullet">
/// <item><b>PanNuke</b>: <c>masks.npy</c> (N, H, W, 6), channels 0–4 the instance ids of neoplastic, inflammatory,
/// connective, dead and epithelial nuclei, channel 5 background; a pixel in two channels is the later one's (as
/// PanNuke's own evaluation merges them).</item>
/// <item><b>CoNIC</b>: <c>labels.npy</c> (N, H, W, 2), the instance map then the class map (1 neutrophil,
/// 2 epithelial, 3 lymphocyte, 4 plasma, 5 eosinophil, 6 connective).</item>
/// <item><b>Folder</b>: one folder per sample holding <c>instances.png</c> or <c>instances.npy</c> (0 background,
/// each nucleus its own id; PNG 8- or 16-bit grey) and <c>classes.png</c> or <c>classes.npy</c> (0 none, k the
/// k-th class), with <c>image.png</c> beside them for people and later for the live task; class names in
/// <c>classes.json</c> (a JSON array) at the root.</item>
/// </list>
/// </summary>
public sealed class CellDataset
{
    /// <summary>The most samples a dataset may hold.</summary>
    public const int MaxSamples = 100_000;

    /// <summary>The largest image side read.</summary>
    public const int MaxSide = 4096;

    /// <summary>PanNuke's classes, channels 0–4.</summary>
    public static readonly IReadOnlyList<string> PanNukeClasses = ["neoplastic", "inflammatory", "connective", "dead", "epithelial"];

    /// <summary>CoNIC's classes, 1–6.</summary>
    public static readonly IReadOnlyList<string> ConicClasses = ["neutrophil", "epithelial", "lymphocyte", "plasma", "eosinophil", "connective"];

    private readonly string? array;
    private readonly IReadOnlyList<string> folders;

    private CellDataset(string source, CellLayout layout, int count, IReadOnlyList<string>? classNames, string? array, IReadOnlyList<string> folders)
    {
        Source = source;
        Layout = layout;
        Count = count;
        ClassNames = classNames;
        this.array = array;
        this.folders = folders;
    }

    /// <summary>What was opened.</summary>
    public string Source { get; }

    /// <summary>Its layout.</summary>
    public CellLayout Layout { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Class names the layout defines (null: a folder without classes.json).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The samples' names in order (array indices or folder names).</summary>
    public IReadOnlyList<string> Names => Layout == CellLayout.Folder
        ? folders.Select(Path.GetFileName).ToList()!
        : Enumerable.Range(0, Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

    /// <summary>
    /// Opens <paramref name="path"/>: a .npy file (its last axis, 6 or 2, says PanNuke or CoNIC), a folder holding
    /// masks.npy (PanNuke) or labels.npy (CoNIC), or a folder of sample folders.
    /// </summary>
    /// <exception cref="InvalidDataException">Nothing there is a layout this reads; the message names the file and what is wrong.</exception>
    public static CellDataset Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return full.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? OpenArray(full)
                : throw new InvalidDataException($"{full}: expected a .npy array (PanNuke masks.npy, CoNIC labels.npy) or a folder.");
        }

        if (!Directory.Exists(full))
        {
            throw new InvalidDataException($"{full}: no such file or folder.");
        }

        foreach (var name in new[] { "masks.npy", "labels.npy" })
        {
            if (File.Exists(Path.Combine(full, name)))
            {
                return OpenArray(Path.Combine(full, name));
            }
        }

        var samples = Directory.GetDirectories(full).Order(StringComparer.Ordinal).ToList();
        if (samples.Count == 0)
        {
            throw new InvalidDataException($"{full}: neither masks.npy (PanNuke), labels.npy (CoNIC) nor sample folders (each with instances.png and classes.png).");
        }

        if (samples.Count > MaxSamples)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{full}: {samples.Count} sample folders (at most {MaxSamples})."));
        }

        foreach (var sample in samples)
        {
            _ = MaskFile(sample, "instances");
            _ = MaskFile(sample, "classes");
        }

        var classesFile = Path.Combine(full, "classes.json");
        List<string>? names = null;
        if (File.Exists(classesFile))
        {
            try
            {
                names = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(classesFile));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{classesFile}: not a JSON array of class names ({e.Message}).", e);
            }

            if (names is null || names.Count == 0 || names.Any(string.IsNullOrWhiteSpace) || names.Distinct().Count() != names.Count)
            {
                throw new InvalidDataException($"{classesFile}: expected a JSON array of distinct, non-empty class names (class k of the class masks is entry k).");
            }
        }

        return new CellDataset(full, CellLayout.Folder, samples.Count, names, null, samples);
    }

    /// <summary>Every sample in order, one in memory at a time.</summary>
    public IEnumerable<CellSample> Samples()
    {
        if (Layout == CellLayout.Folder)
        {
            foreach (var folder in folders)
            {
                var instances = FolderMask.Read(MaskFile(folder, "instances"));
                var classes = FolderMask.Read(MaskFile(folder, "classes"));
                if (instances.Width != classes.Width || instances.Height != classes.Height)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{folder}: instances are {instances.Width}x{instances.Height} but classes {classes.Width}x{classes.Height}."));
                }

                yield return new CellSample(Path.GetFileName(folder), instances.Width, instances.Height, instances.Values, classes.Values);
            }

            yield break;
        }

        using var npy = NpyFile.Open(array!);
        int height = (int)npy.Shape[1], width = (int)npy.Shape[2], channels = (int)npy.Shape[3];
        for (var n = 0; n < Count; n++)
        {
            var slice = npy.ReadIntSlice(n);
            var instances = new int[width * height];
            var classes = new int[width * height];
            var name = n.ToString(CultureInfo.InvariantCulture);
            if (Layout == CellLayout.Conic)
            {
                for (var i = 0; i < instances.Length; i++)
                {
                    instances[i] = slice[i * 2];
                    classes[i] = slice[(i * 2) + 1];
                }
            }
            else
            {
                // Ids repeat across PanNuke's channels: each (channel, id) becomes its own nucleus.
                var number = new Dictionary<(int, int), int>();
                for (var i = 0; i < instances.Length; i++)
                {
                    for (var c = 0; c < 5; c++)
                    {
                        var id = slice[(i * channels) + c];
                        if (id <= 0)
                        {
                            continue;
                        }

                        if (!number.TryGetValue((c, id), out var k))
                        {
                            number[(c, id)] = k = number.Count + 1;
                        }

                        instances[i] = k;
                        classes[i] = c + 1;
                    }
                }
            }

            yield return new CellSample(name, width, height, instances, classes);
        }
    }

    private static CellDataset OpenArray(string file)
    {
        using var npy = NpyFile.Open(file);
        if (npy.Shape.Count != 4 || npy.Shape[3] is not (6 or 2))
        {
            throw new InvalidDataException($"{file}: shape ({string.Join(", ", npy.Shape)}); expected (N, H, W, 6) as PanNuke's masks.npy or (N, H, W, 2) as CoNIC's labels.npy.");
        }

        if (npy.Shape[1] is < 1 or > MaxSide || npy.Shape[2] is < 1 or > MaxSide)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: images of {npy.Shape[2]}x{npy.Shape[1]} (each side 1 to {MaxSide})."));
        }

        if (npy.Shape[0] is < 1 or > MaxSamples)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}: {npy.Shape[0]} samples (1 to {MaxSamples})."));
        }

        var layout = npy.Shape[3] == 6 ? CellLayout.PanNuke : CellLayout.Conic;
        return new CellDataset(file, layout, (int)npy.Shape[0], layout == CellLayout.PanNuke ? PanNukeClasses : ConicClasses, file, []);
    }

    private static string MaskFile(string folder, string stem)
    {
        foreach (var extension in new[] { ".png", ".npy" })
        {
            var file = Path.Combine(folder, stem + extension);
            if (File.Exists(file))
            {
                return file;
            }
        }

        throw new InvalidDataException($"{folder}: no {stem}.png or {stem}.npy.");
    }
}

using System.Text.Json;

namespace EdgeRuntime.Evaluation.Datasets;

/// <summary>
/// Maps a dataset's labels to a class set's classes (<c>{"TUM": "tumour epithelium", ...}</c>): public datasets name
/// their classes in codes that prompt sets spell out. Without a file, a label maps to the class of the same name
/// (ignoring case).
/// </summary>
public sealed class LabelMapping
{
    private readonly Dictionary<string, string> map;

    private LabelMapping(Dictionary<string, string> map) => this.map = map;

    /// <summary>The identity mapping.</summary>
    public static LabelMapping Identity { get; } = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    /// <summary>Reads a JSON object of label → class; throws <see cref="InvalidDataException"/> naming the file.</summary>
    public static LabelMapping Load(string file)
    {
        try
        {
            var read = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))
                ?? throw new InvalidDataException($"{file}: empty; expected a JSON object of dataset label → class name.");
            return new LabelMapping(new Dictionary<string, string>(read, StringComparer.OrdinalIgnoreCase));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not a JSON object of dataset label → class name: {e.Message}", e);
        }
    }

    /// <summary>
    /// The class index of every dataset label among <paramref name="classes"/>; throws <see cref="InvalidDataException"/>
    /// listing every label that maps to no class.
    /// </summary>
    public Dictionary<string, int> Resolve(IEnumerable<string> labels, IReadOnlyList<string> classes, string source)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classes);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var label in labels)
        {
            var name = map.TryGetValue(label, out var mapped) ? mapped : label;
            var index = classes.ToList().FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                missing.Add(map.ContainsKey(label) ? $"'{label}' → '{name}'" : $"'{label}'");
            }

            result[label] = index;
        }

        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{source}: labels {string.Join(", ", missing)} are not classes of the class set ({string.Join(", ", classes)}); map them with --map labels.json.");
        }

        return result;
    }
}

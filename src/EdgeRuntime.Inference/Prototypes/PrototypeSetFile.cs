using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Inference.Prototypes;

/// <summary>A prototype set read from disk and checked against the model that will use it.</summary>
public static class PrototypeSetFile
{
    /// <summary>The file name of a prototype set in its version folder (<c>prototypes/{id}/{version}/</c>).</summary>
    public const string FileName = "prototypes.json";

    /// <summary>
    /// Writes <paramref name="set"/> to <paramref name="path"/> atomically, in the format <see cref="Load"/> reads;
    /// refuses a set that <see cref="Load"/> would refuse for <paramref name="dimension"/>-wide embeddings.
    /// </summary>
    /// <exception cref="InvalidDataException">The set is invalid; the message names the field.</exception>
    public static void Write(string path, PrototypeSet set, int dimension)
    {
        ArgumentNullException.ThrowIfNull(set);
        var problems = Validate(set, new ModelIdentity(set.ModelId, string.Empty, string.Empty), dimension).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{path}: " + string.Join(" ", problems));
        }

        Foundation.Files.AtomicFile.WriteText(path, JsonSerializer.Serialize(set, PrototypeSetJsonContext.Default.PrototypeSet));
    }

    /// <summary>
    /// A set of one prototype per class, each the unit mean of its examples' embeddings (<see cref="PrototypeMean"/>),
    /// made by <paramref name="modelId"/>.
    /// </summary>
    public static PrototypeSet FromExamples(string id, string version, string modelId, int dimension, IEnumerable<(string Name, IReadOnlyList<float[]> Examples)> classes) => new()
    {
        SchemaVersion = 1,
        Id = id,
        Version = version,
        ModelId = modelId,
        Classes = classes.Select(c => new Prototype { Name = c.Name, Examples = c.Examples.Count, Embedding = PrototypeMean.Of(c.Examples, dimension) }).ToList(),
    };

    /// <summary>Reads <paramref name="path"/> as the classes of <paramref name="model"/> (<paramref name="dimension"/> wide).</summary>
    /// <exception cref="InvalidDataException">Missing, malformed, made by another model, or of another width; the message names the file and the field.</exception>
    public static ClassSet Load(string path, ModelIdentity model, int dimension, double modelLogitScale)
    {
        ArgumentNullException.ThrowIfNull(model);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: prototype set not found.");
        }

        var bytes = File.ReadAllBytes(path);
        PrototypeSet? set;
        try
        {
            set = JsonSerializer.Deserialize(bytes, PrototypeSetJsonContext.Default.PrototypeSet);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {Foundation.JsonErrorText.Describe(e, PrototypeSetJsonContext.Default.PrototypeSet)}", e);
        }

        if (set is null)
        {
            throw new InvalidDataException($"{path}: empty prototype set.");
        }

        var problems = Validate(set, model, dimension).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{path}: " + string.Join(" ", problems));
        }

        var embeddings = new float[set.Classes.Count * dimension];
        for (var c = 0; c < set.Classes.Count; c++)
        {
            var source = set.Classes[c].Embedding;
            var norm = Math.Sqrt(source.Sum(v => (double)v * v));
            for (var i = 0; i < dimension; i++)
            {
                embeddings[(c * dimension) + i] = (float)(source[i] / norm);
            }
        }

        return new ClassSet(
            new ClassSource(ClassSource.Prototypes, set.Id, set.Version, Convert.ToHexStringLower(SHA256.HashData(bytes))),
            set.Classes.Select(c => c.Name).ToList(), embeddings, dimension, set.LogitScale ?? modelLogitScale);
    }

    private static IEnumerable<string> Validate(PrototypeSet set, ModelIdentity model, int dimension)
    {
        if (set.SchemaVersion != 1)
        {
            yield return $"schemaVersion {set.SchemaVersion} is not supported (this runtime reads 1).";
        }

        if (set.ModelId != model.Id)
        {
            yield return $"modelId '{set.ModelId}': made by another model than '{model.Id}', whose embeddings it cannot be compared with.";
        }

        if (set.LogitScale is { } scale && !(scale > 0))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"logitScale must be positive (is {scale}).");
        }

        if (set.Classes.Count < 2)
        {
            yield return $"classes: at least 2 are needed (has {set.Classes.Count}).";
        }

        for (var c = 0; c < set.Classes.Count; c++)
        {
            var p = set.Classes[c];
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                yield return $"classes[{c}].name must not be empty.";
            }

            if (p.Embedding.Count != dimension)
            {
                yield return $"classes[{c}].embedding has {p.Embedding.Count} values; the model's embeddings have {dimension}.";
            }
            else if (p.Embedding.Any(v => !float.IsFinite(v)) || p.Embedding.All(v => v == 0))
            {
                yield return $"classes[{c}].embedding must be finite and not all zero.";
            }
        }

        foreach (var duplicate in set.Classes.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"classes: '{duplicate.Key}' appears {duplicate.Count()} times.";
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeRuntime.Inference.Prompts;

/// <summary>A prompt set read from disk, with the SHA-256 of the file's bytes.</summary>
/// <param name="Path">The file.</param>
/// <param name="Set">Its content.</param>
/// <param name="Sha256">Hash of the file, lower-case hex.</param>
public sealed record PromptSetFile(string Path, PromptSet Set, string Sha256)
{
    /// <summary>The largest prompt set read (the shipped ones, with CONCH's 22 templates, are a few kilobytes).</summary>
    public const long MaxBytes = 4 << 20;

    /// <summary>Reads and validates a prompt set.</summary>
    /// <exception cref="InvalidDataException">The file is missing, malformed or invalid; the message names the file and the key.</exception>
    public static PromptSetFile Load(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        // A prompt set is hand-written JSON of a few kilobytes; a link to a device or a pipe would be read for ever.
        if (Foundation.Files.FileNode.Of(path).Kind == Foundation.Files.FileNodeKind.Missing)
        {
            throw new InvalidDataException($"{path}: prompt set not found.");
        }

        if (Foundation.Files.RegularFile.Problem(path, "a prompt set", MaxBytes) is { } why)
        {
            throw new InvalidDataException($"{path}: {why}");
        }

        var bytes = File.ReadAllBytes(path);
        PromptSet? set;
        try
        {
            set = JsonSerializer.Deserialize(bytes, PromptSetJsonContext.Default.PromptSet);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {Foundation.JsonErrorText.Describe(e, PromptSetJsonContext.Default.PromptSet)}", e);
        }

        if (set is null)
        {
            throw new InvalidDataException($"{path}: empty prompt set.");
        }

        var problems = Validate(set).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{path}: " + string.Join(" ", problems));
        }

        return new PromptSetFile(path, set, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>What a result records of this set: its id, version and the file's hash.</summary>
    public Abstractions.Provenance ToProvenance() => new(Set.Id, Set.Version, Sha256);

    private static IEnumerable<string> Validate(PromptSet set)
    {
        if (set.SchemaVersion != 1)
        {
            yield return $"schemaVersion {set.SchemaVersion} is not supported (this runtime reads 1).";
        }

        if (set.Templates.Count == 0)
        {
            yield return "templates must not be empty.";
        }

        for (var i = 0; i < set.Templates.Count; i++)
        {
            if (!set.Templates[i].Contains("{}", StringComparison.Ordinal))
            {
                yield return $"templates[{i}] '{set.Templates[i]}' has no {{}} for the class.";
            }
        }

        if (set.Classes.Count < 2)
        {
            yield return $"classes must hold at least 2 classes (has {set.Classes.Count}).";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < set.Classes.Count; i++)
        {
            var c = set.Classes[i];
            if (string.IsNullOrWhiteSpace(c.Name) || !seen.Add(c.Name))
            {
                yield return $"classes[{i}].name '{c.Name}' is empty or repeated.";
            }

            if (c.Synonyms.Count == 0 || c.Synonyms.Any(string.IsNullOrWhiteSpace))
            {
                yield return $"classes[{i}].synonyms must hold at least one non-empty synonym.";
            }
        }
    }
}

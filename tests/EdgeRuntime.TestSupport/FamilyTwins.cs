using System.Security.Cryptography;

namespace EdgeRuntime.TestSupport;

/// <summary>
/// The structural twins of the vision-only families (tools/families/vision_encoders.py: each family's operators,
/// patch and input size and token layout at small width and depth), as synthetic checkpoints in the family's published
/// layout and as packages imported from them by tools/import-checkpoint.py. Built on first use under
/// <c>artifacts/family-twins/&lt;hash of the tools&gt;/</c>, so a change to the tools builds them afresh, and reused.
/// </summary>
public static class FamilyTwins
{
    /// <summary>The vision-only families.</summary>
    public static readonly string[] VisionOnly = ["uni", "uni2", "virchow2", "prov-gigapath", "h-optimus"];

    /// <summary>Seed of every twin's weights.</summary>
    public const int Seed = 11;

    /// <summary>The importer.</summary>
    public static string Script => Path.Combine(TestData.RepoRoot, "tools", "import-checkpoint.py");

    /// <summary>The folder of this version of the tools' twins.</summary>
    public static string Root => Path.Combine(TestData.RepoRoot, "artifacts", "family-twins", ToolsHash());

    /// <summary>A synthetic twin checkpoint of <paramref name="family"/> in its published layout (folder with config.json and weights).</summary>
    public static string Checkpoint(string family) => Build(family).Checkpoint;

    /// <summary>The package imported from <see cref="Checkpoint"/>.</summary>
    public static string Package(string family) => Build(family).Package;

    /// <summary>Writes a new synthetic twin checkpoint of <paramref name="family"/> into <paramref name="folder"/>.</summary>
    public static string WriteCheckpoint(string family, string folder, int seed = Seed)
    {
        ExternalTool.Run(ExternalTool.DebianPython, [Script, "--family", family, "--write-synthetic", folder, "--twin", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return folder;
    }

    /// <summary>PyTorch's preprocessed tensors and embeddings of <paramref name="images"/> for the twin; returns the JSON path.</summary>
    public static string Reference(string family, string outputDirectory, IEnumerable<string> images)
    {
        var output = Path.Combine(outputDirectory, $"{family}-reference.json");
        ExternalTool.Run(ExternalTool.DebianPython, new[] { Script, "--family", family, Checkpoint(family), "--reference", output, "--images" }.Concat(images));
        return output;
    }

    private static (string Checkpoint, string Package) Build(string family)
    {
        var checkpoint = Path.Combine(Root, family, "checkpoint");
        var models = Path.Combine(Root, family, "models");
        var package = Path.Combine(models, family, "1.0.0");
        if (File.Exists(Path.Combine(package, "model.json")))
        {
            return (checkpoint, package);
        }

        Directory.CreateDirectory(Root);
        using var gate = ReferenceModels.AcquireLock(Path.Combine(Root, $".{family}.lock"));
        if (!File.Exists(Path.Combine(package, "model.json")))
        {
            if (Directory.Exists(checkpoint))
            {
                Directory.Delete(checkpoint, recursive: true);
            }

            WriteCheckpoint(family, checkpoint);
            ExternalTool.Run(ExternalTool.DebianPython, [Script, "--family", family, checkpoint, "--out", models]);
        }

        return (checkpoint, package);
    }

    private static string ToolsHash()
    {
        var tools = Path.Combine(TestData.RepoRoot, "tools");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(Path.Combine(tools, "families"), "*.py").Order(StringComparer.Ordinal).Append(Path.Combine(tools, "import-checkpoint.py")))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}

namespace EdgeRuntime.TestSupport;

/// <summary>
/// The pipeline-test model packages made by <c>tools/make-reference-models.py</c> (seeded random weights),
/// built on first use into <c>artifacts/models</c> (where install/install.sh puts them too) and reused.
/// </summary>
public static class ReferenceModels
{
    /// <summary>ViT-B/32 shapes.</summary>
    public const string ClipVitB32 = "clip-vit-b32-reference";

    /// <summary>Tiny model for fast tests.</summary>
    public const string Tiny = "tiny-reference";

    /// <summary>Version the tool writes.</summary>
    public const string Version = "1.0.0";

    /// <summary>Folder of all packages.</summary>
    public static string Root => Path.Combine(TestData.RepoRoot, "artifacts", "models");

    /// <summary>The package folder of <paramref name="id"/>, building it first if needed.</summary>
    public static string Package(string id)
    {
        var directory = Path.Combine(Root, id, Version);
        if (File.Exists(Path.Combine(directory, "model.json")))
        {
            return directory;
        }

        Directory.CreateDirectory(Root);
        // Test assemblies run in parallel processes; one builds, the others wait for it.
        using var gate = AcquireLock(Path.Combine(Root, ".build.lock"));
        if (!File.Exists(Path.Combine(directory, "model.json")))
        {
            Run("--only", id);
        }

        return directory;
    }

    /// <summary>Writes reference embeddings (PyTorch, Pillow preprocessing) for images and prompts; returns the JSON path.</summary>
    public static string Reference(string id, string outputDirectory, IEnumerable<string> images, IEnumerable<string> prompts)
    {
        Package(id);
        var output = Path.Combine(outputDirectory, $"{id}-reference.json");
        Run(new[] { "--only", id, "--check-golden", TestData.Tokenizer("clip/golden-ids.json"), "--reference-out", output, "--reference-images" }
            .Concat(images).Append("--reference-prompts").Concat(prompts).ToArray());
        return output;
    }

    private static void Run(params string[] arguments)
    {
        var script = Path.Combine(TestData.RepoRoot, "tools", "make-reference-models.py");
        var tokenizer = Path.Combine(TestData.RepoRoot, "plugins", "tokenizers", "clip");
        ExternalTool.Run(ExternalTool.DebianPython, new[] { script, "--out", Root, "--tokenizer", tokenizer }.Concat(arguments));
    }

    /// <summary>A lock file held while one test process builds what the others wait for.</summary>
    public static FileStream AcquireLock(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 1200)
            {
                Thread.Sleep(500);
            }
        }
    }
}

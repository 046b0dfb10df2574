namespace EdgeRuntime.TestSupport;

/// <summary>
/// The vision-language families' structural twins (tools/families/vision_language.py): a synthetic checkpoint in each
/// family's published layout under <c>artifacts/checkpoints</c> and the package imported from it under
/// <c>artifacts/models/&lt;family&gt;-twin</c>, rebuilt only when their inputs change (the families' code, the test
/// vocabularies; tests/EdgeRuntime.Inference.Tests/Text/Families/family_twin.py keeps the key).
/// </summary>
public static class VisionLanguageTwins
{
    /// <summary>The vision-language families.</summary>
    public static IReadOnlyList<string> VisionLanguage { get; } = ["plip", "quiltnet", "quiltnet-pmb", "conch", "kep"];

    /// <summary>The Python driver that builds twins and writes PyTorch references.</summary>
    public static string Driver => Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Inference.Tests", "Text", "Families", "family_twin.py");

    /// <summary>The twin's package folder, built first if needed, under the lock the reference models use.</summary>
    public static string Package(string family)
    {
        Directory.CreateDirectory(ReferenceModels.Root);
        using var gate = ReferenceModels.AcquireLock(Path.Combine(ReferenceModels.Root, ".build.lock"));
        return ExternalTool.Run(ExternalTool.DebianPython, [Driver, "build", family, ReferenceModels.Root]).Trim();
    }

    /// <summary>The twin's synthetic checkpoint folder (exists once <see cref="Package"/> has run).</summary>
    public static string Checkpoint(string family) => Path.Combine(TestData.RepoRoot, "artifacts", "checkpoints", family + "-twin");
}

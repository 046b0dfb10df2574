namespace EdgeRuntime.TestSupport;

/// <summary>
/// The texture test model (<c>tools/train-test-model.py</c>): a tiny CLIP trained on four real images of
/// scikit-image's data (brick, grass, gravel, an IHC field), so that tests can check a tag, a mask or a search hit is
/// right. A test model, not a pathology model. Trained on first use into <c>artifacts/models</c> (where
/// install/install.sh puts it), with its prompt set in <c>artifacts/prompts</c>; a package made from the same inputs
/// is reused.
/// </summary>
public static class TestModel
{
    /// <summary>The package id.</summary>
    public const string Id = "texture-test-model";

    /// <summary>The classes, in the prompt set's order.</summary>
    public static IReadOnlyList<string> Classes { get; } = ["brick", "grass", "gravel", "ihc"];

    /// <summary>The package folder, training it first if needed.</summary>
    public static string Package
    {
        get
        {
            Ensure();
            return Path.Combine(ReferenceModels.Root, Id, ReferenceModels.Version);
        }
    }

    /// <summary>The model's prompt set (<c>textures</c>).</summary>
    public static string PromptSet
    {
        get
        {
            Ensure();
            return Path.Combine(PromptsRoot, "textures", ReferenceModels.Version, "prompts.json");
        }
    }

    /// <summary>The four source images (<c>install/sample-images.sh</c>), by class.</summary>
    public static string SourceImage(string className) => Path.Combine(ImagesRoot(), className + ".png");

    /// <summary>
    /// Writes <paramref name="perClass"/> held-out crops per class into class folders under <paramref name="directory"/>:
    /// cut from the part of each image (its right 40 %) that training never saw.
    /// </summary>
    public static string HeldOut(string directory, int perClass)
    {
        Ensure();
        Train("--held-out", directory, "--held-out-per-class", perClass.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return directory;
    }

    /// <summary>The column (as a share of the width) from which the held-out part of each source image starts.</summary>
    public const double HeldOutFrom = 0.6;

    private static string PromptsRoot => Path.Combine(TestData.RepoRoot, "artifacts", "prompts");

    private static void Ensure()
    {
        var manifest = Path.Combine(ReferenceModels.Root, Id, ReferenceModels.Version, "model.json");
        var prompts = Path.Combine(PromptsRoot, "textures", ReferenceModels.Version, "prompts.json");
        if (File.Exists(manifest) && File.Exists(prompts))
        {
            return;
        }

        Directory.CreateDirectory(ReferenceModels.Root);
        using var gate = ReferenceModels.AcquireLock(Path.Combine(ReferenceModels.Root, ".train.lock"));
        if (!File.Exists(manifest) || !File.Exists(prompts))
        {
            Train();
        }
    }

    private static string ImagesRoot()
    {
        var folder = Path.Combine(TestData.RepoRoot, "artifacts", "sample");
        if (!File.Exists(Path.Combine(folder, "gravel.png")))
        {
            using var gate = ReferenceModels.AcquireLock(Path.Combine(TestData.RepoRoot, "artifacts", ".sample-images.lock"));
            ExternalTool.Run("bash", [Path.Combine(TestData.RepoRoot, "install", "sample-images.sh"), folder]);
        }

        return folder;
    }

    private static void Train(params string[] arguments)
    {
        var script = Path.Combine(TestData.RepoRoot, "tools", "train-test-model.py");
        var tokenizer = Path.Combine(TestData.RepoRoot, "plugins", "tokenizers", "clip");
        ExternalTool.Run(ExternalTool.DebianPython, new[] { script, "--images", ImagesRoot(), "--out", ReferenceModels.Root, "--prompts-out", PromptsRoot, "--tokenizer", tokenizer }.Concat(arguments));
    }
}

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// What a model can serve, which follows from its kind: every model serves image embeddings (features, few-shot
/// prototypes, the linear probe, image-to-image search, dense tasks); only a vision-language model, with its text
/// tower, serves zero-shot tagging, zero-shot segmentation and text search.
/// </summary>
public static class ModelServes
{
    /// <summary>What any model serves.</summary>
    public static readonly IReadOnlyList<string> ImageTasks = ["features", "few-shot prototypes", "linear probe", "image search"];

    /// <summary>What a model serves only when its manifest declares patch tokens from named depths (imageEncoder.dense).</summary>
    public const string DenseTasks = "dense tokens";

    /// <summary>What needs a text tower.</summary>
    public static readonly IReadOnlyList<string> TextTasks = ["zero-shot tagging", "zero-shot segmentation", "text search"];

    /// <summary>One line for listings: kind, what it serves and does not, licence and terms.</summary>
    public static string Describe(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        IReadOnlyList<string> image = manifest.ImageEncoder.Dense is { Count: > 0 } ? [.. ImageTasks, DenseTasks] : ImageTasks;
        var serves = manifest.HasTextTower
            ? $"{manifest.Kind}: serves {string.Join(", ", image.Concat(TextTasks))}"
            : $"{manifest.Kind}: serves {string.Join(", ", image)}; not {string.Join(", ", TextTasks)} (no text tower)";
        var terms = manifest.Terms?.Describe() is { Length: > 0 } t ? $" ({t})" : "";
        return $"{serves}; licence {manifest.License}{terms}";
    }
}

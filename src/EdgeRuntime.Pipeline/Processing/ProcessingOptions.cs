namespace EdgeRuntime.Pipeline.Processing;

/// <summary>What the service runs on every slide, and where results go. Bound from <c>EdgeRuntime:Processing</c>.</summary>
public sealed class ProcessingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Processing";

    /// <summary>Model package folder. Default: the ViT-B/32 reference package the install step builds.</summary>
    public string ModelPackage { get; set; } = Path.Combine("artifacts", "models", "clip-vit-b32-reference", "1.0.0");

    /// <summary>Prompt set for zero-shot tagging. Default: the shipped CRC-100K set.</summary>
    public string PromptSet { get; set; } = Path.Combine("plugins", "prompts", "crc100k", "1.0.0", "prompts.json");

    /// <summary>Folder of results: <c>{ResultsDirectory}/{slideId}/result.json</c>, <c>tiles.csv.gz</c>, <c>overlay.png</c>. Default <c>results</c>.</summary>
    public string ResultsDirectory { get; set; } = "results";

    /// <summary>Long side of the overlay picture in pixels. Default 1024.</summary>
    public int OverlaySize { get; set; } = 1024;

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(ModelPackage), ModelPackage), (nameof(PromptSet), PromptSet), (nameof(ResultsDirectory), ResultsDirectory) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{Section}:{name} must not be empty.";
            }
        }

        if (!string.IsNullOrWhiteSpace(ModelPackage) && !File.Exists(Path.Combine(ModelPackage, "model.json")))
        {
            yield return $"{Section}:{nameof(ModelPackage)}: no model.json in {Path.GetFullPath(ModelPackage)} (run install/install.sh to build the reference models).";
        }

        if (!string.IsNullOrWhiteSpace(PromptSet) && !File.Exists(PromptSet))
        {
            yield return $"{Section}:{nameof(PromptSet)}: {Path.GetFullPath(PromptSet)} does not exist.";
        }

        if (OverlaySize is < 64 or > 8192)
        {
            yield return $"{Section}:{nameof(OverlaySize)} must be between 64 and 8192 (is {OverlaySize}).";
        }
    }
}

namespace EdgeRuntime.Inference.Packages;

/// <summary>Which model package is used when none is named. Bound from <c>EdgeRuntime:Models</c>.</summary>
public sealed class ModelOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:Models";

    /// <summary>
    /// Package folder used when a command names none; relative paths are taken from the executable's folder.
    /// Default: the ViT-B/32 reference package that install/install.sh builds.
    /// </summary>
    public string DefaultPackage { get; set; } = Path.Combine("plugins", "models", "clip-vit-b32-reference", "1.0.0");

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DefaultPackage))
        {
            yield return $"{Section}:{nameof(DefaultPackage)} must name a folder.";
        }
    }
}

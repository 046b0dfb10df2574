namespace EdgeRuntime.Inference.ZeroShot;

/// <summary>Zero-shot tagging. Bound from <c>EdgeRuntime:ZeroShot</c>.</summary>
public sealed class ZeroShotOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeRuntime:ZeroShot";

    /// <summary>Prompt set used when none is named. Default: the CRC-100K prompt plugin shipped in the plugins root beside the executable.</summary>
    public string DefaultPromptSet { get; set; } = Path.Combine("plugins", "prompts", "crc100k", "1.0.0", "prompts.json");

    /// <summary>Folder of cached class text embeddings. Default: <c>text-embeddings</c> in the user's cache folder.</summary>
    public string TextEmbeddingCache { get; set; } = Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "edgeruntime",
        "text-embeddings");

    /// <summary>Every problem with these options, each with its configuration path.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(TextEmbeddingCache))
        {
            yield return $"{Section}:{nameof(TextEmbeddingCache)} must name a folder.";
        }
    }
}

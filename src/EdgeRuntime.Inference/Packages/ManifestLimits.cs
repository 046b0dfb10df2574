namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// The upper bounds of a manifest's numbers, each well above every published pathology model: beyond them a value is
/// a typo or a hostile package (a 2-billion-wide embedding or token grid sizes buffers from it before any graph runs).
/// The tile's resolution and side take the configuration's range (<see cref="Slides.Resolution.TileLimits"/>).
/// </summary>
internal static class ManifestLimits
{
    /// <summary>embeddingSize and imageEncoder.tokens.width: Virchow2's composed 2,560 is the widest today.</summary>
    public const int MaxEmbeddingWidth = 16_384;

    /// <summary>tokenizer.contextLength: 77 (CLIP) to 512 (BERT) today.</summary>
    public const int MaxContextLength = 8_192;

    /// <summary>tokenizer.padTokenId: below any vocabulary's size (≈ 50,000 for CLIP and GPT-2 BPE).</summary>
    public const int MaxTokenId = 10_000_000;

    /// <summary>imageEncoder.tokens.gridSize: 16 × 16 patches of a 224-px ViT/14; 64 at 1,024 px, patch 16.</summary>
    public const int MaxGridSize = 256;

    /// <summary>imageEncoder.tokens.registerTokens: 4 (DINOv2 with registers) or 8 today.</summary>
    public const int MaxRegisterTokens = 64;

    /// <summary>imageEncoder.dense[].depth: a ViT-G has 40 blocks.</summary>
    public const int MaxDepth = 256;

    /// <summary>logitScale: CLIP clamps its learned temperature at 100.</summary>
    public const double MaxLogitScale = 1_000;
}

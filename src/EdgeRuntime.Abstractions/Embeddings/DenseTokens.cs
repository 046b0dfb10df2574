namespace EdgeRuntime.Abstractions.Embeddings;

/// <summary>
/// Tokens an image encoder produced at one depth for every tile of a batch, from the same run that gave the
/// embeddings (contract 2.3): row-major [tile, token, width], tokens laid out as the model's final tokens (the class
/// token if any, then <see cref="RegisterTokens"/> registers, then <see cref="GridSize"/>² patches row by row).
/// Like the batch, the memory is reused once consumed.
/// </summary>
public sealed class DenseTokens
{
    /// <summary>Creates a view over <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The buffer does not hold <paramref name="tiles"/> × tokens × width floats.</exception>
    public DenseTokens(int depth, int tiles, int prefixTokens, int registerTokens, int gridSize, int width, ReadOnlyMemory<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(prefixTokens);
        var tokens = prefixTokens + (gridSize * gridSize);
        if (values.Length != tiles * tokens * width)
        {
            throw new ArgumentException($"{tiles} tiles of {tokens} tokens × {width} need {tiles * tokens * width} floats, got {values.Length}.", nameof(values));
        }

        Depth = depth;
        PrefixTokens = prefixTokens;
        RegisterTokens = registerTokens;
        GridSize = gridSize;
        Width = width;
        TokensPerTile = tokens;
        Values = values;
    }

    /// <summary>The encoder depth (1-based block count) the tokens were taken after.</summary>
    public int Depth { get; }

    /// <summary>Tokens before the first patch token (class token and registers).</summary>
    public int PrefixTokens { get; }

    /// <summary>Register tokens among the prefix tokens.</summary>
    public int RegisterTokens { get; }

    /// <summary>Patches per side.</summary>
    public int GridSize { get; }

    /// <summary>Token width.</summary>
    public int Width { get; }

    /// <summary>Tokens per tile.</summary>
    public int TokensPerTile { get; }

    /// <summary>All values, [tile, token, width].</summary>
    public ReadOnlyMemory<float> Values { get; }

    /// <summary>The patch tokens of tile <paramref name="tile"/>: [gridSize², width], row by row.</summary>
    public ReadOnlySpan<float> PatchTokensOf(int tile) =>
        Values.Span.Slice(((tile * TokensPerTile) + PrefixTokens) * Width, GridSize * GridSize * Width);
}

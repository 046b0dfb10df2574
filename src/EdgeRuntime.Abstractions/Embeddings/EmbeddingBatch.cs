using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.Abstractions.Embeddings;

/// <summary>
/// Image embeddings of a batch of tiles: row <c>i</c> of <see cref="Vectors"/> belongs to <c>Tiles[i]</c>.
/// Vectors are as the model's image encoder returned them (projected, not yet L2-normalised).
/// Like <see cref="TileBatch"/>, the memory is reused once consumed.
/// </summary>
public sealed class EmbeddingBatch
{
    /// <summary>Creates a batch over <paramref name="vectors"/>, <paramref name="dimension"/> floats per tile.</summary>
    /// <exception cref="ArgumentException">The vector buffer does not hold exactly one vector per tile.</exception>
    public EmbeddingBatch(string slideId, IReadOnlyList<TileRef> tiles, int dimension, ReadOnlyMemory<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (vectors.Length != tiles.Count * dimension)
        {
            throw new ArgumentException($"{tiles.Count} vectors of {dimension} need {tiles.Count * dimension} floats, got {vectors.Length}.", nameof(vectors));
        }

        SlideId = slideId;
        Tiles = tiles;
        Dimension = dimension;
        Vectors = vectors;
    }

    /// <summary>The slide the tiles belong to.</summary>
    public string SlideId { get; }

    /// <summary>The tiles, in the order of the vectors.</summary>
    public IReadOnlyList<TileRef> Tiles { get; }

    /// <summary>Length of one embedding.</summary>
    public int Dimension { get; }

    /// <summary>All vectors, one row per tile.</summary>
    public ReadOnlyMemory<float> Vectors { get; }

    /// <summary>
    /// Tokens from the encoder depths the model declares for dense tasks (cell segmentation), one entry per depth, from
    /// the run that gave <see cref="Vectors"/>; empty when the model declares none (added in 2.3).
    /// </summary>
    public IReadOnlyList<DenseTokens> Dense { get; init; } = [];

    /// <summary>
    /// The tiles these embeddings were computed from, with their pixels, for dense tasks that work at pixel resolution
    /// (a cell head's skip connection, as CellViT's); the memory is the pipeline's, valid only during the call. Null
    /// where the host encodes without a tile batch (a plain image encoded whole) (added in 2.3).
    /// </summary>
    public TileBatch? Pixels { get; init; }

    /// <summary>The embedding of tile <paramref name="i"/> of this batch.</summary>
    public ReadOnlySpan<float> VectorOf(int i) => Vectors.Span.Slice(i * Dimension, Dimension);
}

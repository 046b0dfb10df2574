namespace EdgeRuntime.Abstractions.Tiles;

/// <summary>
/// Tiles of one slide with their pixels, ready for an image encoder: interleaved 8-bit RGB,
/// <see cref="TileSize"/> × <see cref="TileSize"/> per tile, tiles one after another.
/// The pixel memory is owned by the pipeline and is reused once the batch has been consumed:
/// copy anything that must outlive the call that received it.
/// </summary>
public sealed class TileBatch
{
    /// <summary>Creates a batch over <paramref name="pixels"/>.</summary>
    /// <exception cref="ArgumentException">The pixel buffer does not hold exactly the tiles' pixels.</exception>
    public TileBatch(string slideId, IReadOnlyList<TileRef> tiles, int tileSize, ReadOnlyMemory<byte> pixels)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileSize);
        var expected = (long)tiles.Count * tileSize * tileSize * 3;
        if (pixels.Length != expected)
        {
            throw new ArgumentException($"A batch of {tiles.Count} RGB tiles of {tileSize} px needs {expected} bytes, got {pixels.Length}.", nameof(pixels));
        }

        SlideId = slideId;
        Tiles = tiles;
        TileSize = tileSize;
        Pixels = pixels;
    }

    /// <summary>The slide the tiles belong to.</summary>
    public string SlideId { get; }

    /// <summary>The tiles, in the order their pixels appear.</summary>
    public IReadOnlyList<TileRef> Tiles { get; }

    /// <summary>Side of a square tile in pixels.</summary>
    public int TileSize { get; }

    /// <summary>All tiles' pixels, RGB interleaved.</summary>
    public ReadOnlyMemory<byte> Pixels { get; }

    /// <summary>The pixels of tile <paramref name="i"/> of this batch.</summary>
    public ReadOnlySpan<byte> PixelsOf(int i)
    {
        var size = TileSize * TileSize * 3;
        return Pixels.Span.Slice(i * size, size);
    }
}

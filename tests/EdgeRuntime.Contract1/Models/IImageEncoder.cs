using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Tiles;

namespace EdgeRuntime.Abstractions.Models;

/// <summary>The image tower of a vision-language model: tiles in, one embedding per tile out.</summary>
public interface IImageEncoder
{
    /// <summary>Identity of the model that produces the embeddings (id, version and hash), for provenance.</summary>
    ModelIdentity Model { get; }

    /// <summary>Length of the embeddings this encoder produces.</summary>
    int Dimension { get; }

    /// <summary>Side in pixels of the tiles the encoder expects, before its own preprocessing.</summary>
    int TileSize { get; }

    /// <summary>Encodes a batch; the returned batch's memory stays valid until the next call on this encoder.</summary>
    ValueTask<EmbeddingBatch> EncodeAsync(TileBatch batch, CancellationToken cancellationToken);
}

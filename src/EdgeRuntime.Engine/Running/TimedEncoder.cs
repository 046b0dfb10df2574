using System.Diagnostics;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Foundation.Diagnostics;

namespace EdgeRuntime.Engine.Running;

/// <summary>Measures every batch the encoder runs, for the latency percentiles and tiles/s of the metrics.</summary>
internal sealed class TimedEncoder(IImageEncoder inner, IEncoderMetrics metrics) : IImageEncoder
{
    public ModelIdentity Model => inner.Model;

    public int Dimension => inner.Dimension;

    public int TileSize => inner.TileSize;

    private int encoded;

    public async ValueTask<EmbeddingBatch> EncodeAsync(TileBatch batch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await inner.EncodeAsync(batch, cancellationToken).ConfigureAwait(false);
        metrics.Batch(inner.Model, batch.Tiles.Count, clock.Elapsed);
        if (Interlocked.Exchange(ref encoded, 1) == 0)
        {
            StartupPhases.Mark("slide: first tile batch encoded");
        }

        return result;
    }
}

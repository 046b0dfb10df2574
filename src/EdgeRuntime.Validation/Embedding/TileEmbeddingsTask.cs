using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Validation.Embedding;

/// <summary>Collects every tile's embedding of one slide run, in tile order, for slide-level evaluation.</summary>
internal sealed class TileEmbeddingsTask : ISlideTask
{
    private readonly SortedDictionary<int, float[]> byTile = [];

    /// <summary>The embeddings, by tile index.</summary>
    public IReadOnlyCollection<float[]> Vectors => byTile.Values;

    public string Name => "eval-tile-embeddings";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run(this));

    private sealed class Run(TileEmbeddingsTask owner) : ISlideTaskRun
    {
        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                owner.byTile[batch.Tiles[i].Index] = batch.VectorOf(i).ToArray();
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject());

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

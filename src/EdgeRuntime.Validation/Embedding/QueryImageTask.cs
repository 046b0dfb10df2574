using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Validation.Embedding;

/// <summary>
/// The embedding of a query image, taken from the slide pipeline itself (so it is tiled, resized and normalised
/// exactly as indexed tiles were): the unit mean of its tiles' embeddings (a tile-sized image is one tile).
/// </summary>
public sealed class QueryImageTask : ISlideTask
{
    /// <summary>The unit mean of the run's tile embeddings; null until a run with at least one tile completes.</summary>
    public float[]? Vector { get; private set; }

    /// <inheritdoc />
    public string Name => "query-image";

    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run(this));

    private sealed class Run(QueryImageTask owner) : ISlideTaskRun
    {
        private float[]? sum;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            sum ??= new float[batch.Dimension];
            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                var v = batch.VectorOf(i);
                TensorPrimitives.MultiplyAdd(v, 1f / TensorPrimitives.Norm(v), sum, sum);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            if (sum is not null)
            {
                TensorPrimitives.Divide(sum, TensorPrimitives.Norm(sum), sum);
            }

            owner.Vector = sum;
            return ValueTask.FromResult(new JsonObject());
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

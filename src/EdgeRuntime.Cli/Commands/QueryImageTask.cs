using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Cli.Commands;

/// <summary>
/// The embedding of a query image, taken from the slide pipeline itself (so it is tiled, resized and normalised
/// exactly as indexed tiles were): the unit mean of its tiles' embeddings (a tile-sized image is one tile).
/// </summary>
internal sealed class QueryImageTask : ISlideTask
{
    public float[]? Vector { get; private set; }

    public string Name => "query-image";

    public int ContractMajorVersion => ContractVersion.Major;

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

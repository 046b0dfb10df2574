using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Tasks.RetrievalIndex;

/// <summary>
/// Indexes every tissue tile's image embedding (unit length) with its slide id, level-0 box and model, in the task's
/// state folder, so that tiles can be searched by text or by image later. A slide processed again replaces its tiles.
/// </summary>
internal sealed class RetrievalIndexTask(TileIndexes indexes) : ISlideTask
{
    public const string TaskName = "retrieval-index";

    public string Name => TaskName;

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var index = indexes.For(context.Model);
        ArgumentNullException.ThrowIfNull(slide);
        return ValueTask.FromResult<ISlideTaskRun>(new Run(index, context, Path.GetFileName(slide.FilePath)));
    }

    private sealed class Run(ModelTileIndex index, SlideTaskContext context, string fileName) : ISlideTaskRun
    {
        private TileVectorFile.Writer? writer;
        private float[] unit = [];
        private int tiles;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            if (writer is null)
            {
                writer = new TileVectorFile.Writer(index.PathOf(context.SlideId), batch.Dimension, fileName);
                unit = new float[batch.Dimension];
            }

            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                var v = batch.VectorOf(i);
                var norm = TensorPrimitives.Norm(v);
                TensorPrimitives.Divide(v, norm > 0 ? norm : 1, unit);
                writer.Add(batch.Tiles[i], unit);
                tiles++;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            if (writer is null)
            {
                // No tissue: the slide has nothing to find, and whatever it had before goes.
                index.Remove(context.SlideId);
            }
            else
            {
                writer.Commit();
                index.Replace(context.SlideId);
            }

            return ValueTask.FromResult(new JsonObject
            {
                ["tiles"] = tiles,
                ["model"] = new JsonObject { ["id"] = context.Model.Id, ["version"] = context.Model.Version },
                ["indexTiles"] = index.Tiles,
                ["indexSlides"] = index.Slides,
            });
        }

        public ValueTask DisposeAsync()
        {
            writer?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

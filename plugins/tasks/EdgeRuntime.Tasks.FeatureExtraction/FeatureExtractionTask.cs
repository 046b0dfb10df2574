using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.TaskKit.Features;

namespace EdgeRuntime.Tasks.FeatureExtraction;

/// <summary>
/// Feature extraction for downstream slide-level models: every tile's embedding and level-0 position written
/// beside the result as <c>features.h5</c>, in CLAM's and TRIDENT's layout (<c>features</c> [N, D],
/// <c>coords</c> [N, 2]), rows in tile order. HDF5 is written whole, so the embeddings of one slide are held until
/// it completes: N × D floats (20,000 tiles of a 512-wide model: 40 MB), never pixels.
/// </summary>
public sealed class FeatureExtractionTask : ISlideTask
{
    /// <inheritdoc />
    public string Name => "features";

    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult<ISlideTaskRun>(new Run(slide, context));
    }

    private sealed class Run(SlideInfo slide, SlideTaskContext context) : ISlideTaskRun
    {
        private readonly TileRef[] tiles = new TileRef[context.Grid.Count];
        private float[] features = [];
        private int dimension;
        private int received;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            if (dimension == 0)
            {
                dimension = batch.Dimension;
                features = new float[tiles.Length * dimension];
            }

            // Batches arrive in completion order: each row goes to its tile's place, so the file is in grid order.
            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                var tile = batch.Tiles[i];
                tiles[tile.Index] = tile;
                batch.VectorOf(i).CopyTo(features.AsSpan(tile.Index * dimension, dimension));
                received++;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            if (received != tiles.Length)
            {
                throw new InvalidOperationException($"received {received} tile embeddings of {tiles.Length}.");
            }

            var grid = context.Grid;
            var model = context.Model;
            using (var stream = new FileStream(Path.Combine(context.OutputDirectory, "features.h5"), FileMode.CreateNew, FileAccess.ReadWrite))
            {
                FeatureFile.Write(stream, tiles, features, Math.Max(dimension, 1), new FeatureFile.Attributes(
                    grid.TileSize, grid.TileSizeLevel0, grid.Level, grid.MicronsPerPixel, model.Id, model.Version, model.Sha256, slide.FilePath));
            }

            return ValueTask.FromResult(new JsonObject
            {
                ["file"] = "features.h5",
                ["layout"] = "CLAM/TRIDENT: features [N, D] float32, coords [N, 2] int64 level-0 top-left",
                ["tiles"] = tiles.Length,
                ["dimension"] = dimension,
            });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

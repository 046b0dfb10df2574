using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Tasks.Template;

/// <summary>
/// Counts a slide's tissue tiles and the embedding width: the smallest task that sees every batch. Its output is
/// the task's entry in the slide's result (<c>tasks.tile-count.output</c>).
/// </summary>
public sealed class TileCountTask : ISlideTask
{
    /// <inheritdoc />
    public string Name => "tile-count";

    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run());

    // One run per slide: state lives here, never in the task, so slides in flight at once do not mix.
    private sealed class Run : ISlideTaskRun
    {
        private int tiles;
        private int dimension;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            tiles += batch.Tiles.Count;
            dimension = batch.Dimension;
            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new JsonObject { ["tiles"] = tiles, ["dimension"] = dimension });

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

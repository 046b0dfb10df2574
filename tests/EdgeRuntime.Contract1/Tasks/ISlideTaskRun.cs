using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Embeddings;

namespace EdgeRuntime.Abstractions.Tasks;

/// <summary>A task working on one slide: it receives every batch of tile embeddings, then completes.</summary>
public interface ISlideTaskRun : IAsyncDisposable
{
    /// <summary>Consumes one batch. The batch's memory is reused after the call returns.</summary>
    ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken);

    /// <summary>Called once after the last batch; returns this task's part of the slide's result document.</summary>
    ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken);
}

using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Tasks.EmbeddingSummary;

/// <summary>
/// A slide-level embedding: the mean of the L2-normalised tile embeddings, normalised again (the simplest
/// slide representation, a baseline for slide-level models). Writes it beside the result as
/// <c>slide-embedding.json</c> and reports the tile count and the mean tile-embedding norm.
/// </summary>
public sealed class EmbeddingSummaryTask : ISlideTask
{
    /// <inheritdoc />
    public string Name => "embedding-summary";

    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult<ISlideTaskRun>(new Run(context.OutputDirectory));
    }

    private sealed class Run(string outputDirectory) : ISlideTaskRun
    {
        private double[]? sum;
        private double normSum;
        private long tiles;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            sum ??= new double[batch.Dimension];
            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                var vector = batch.VectorOf(i);
                double norm = 0;
                foreach (var v in vector)
                {
                    norm += v * (double)v;
                }

                norm = Math.Sqrt(norm);
                normSum += norm;
                tiles++;
                for (var d = 0; d < vector.Length; d++)
                {
                    sum[d] += norm > 0 ? vector[d] / norm : 0;
                }
            }

            return ValueTask.CompletedTask;
        }

        public async ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            var mean = sum ?? [];
            var length = Math.Sqrt(mean.Sum(v => v * v));
            var embedding = new JsonArray(mean.Select(v => (JsonNode)(length > 0 ? v / length : 0)).ToArray());
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "slide-embedding.json"), new JsonObject { ["embedding"] = embedding }.ToJsonString(), cancellationToken).ConfigureAwait(false);
            return new JsonObject
            {
                ["tiles"] = tiles,
                ["meanTileEmbeddingNorm"] = tiles == 0 ? 0 : Math.Round(normSum / tiles, 6),
                ["file"] = "slide-embedding.json",
                ["dimension"] = mean.Length,
            };
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

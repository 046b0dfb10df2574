using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Runtime.Metrics;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRuntime.Engine.Tests.Running;

/// <summary>The headless slide run with the tiny reference model and a task that keeps every tile's embedding.</summary>
internal sealed class PipelineRun : IDisposable
{
    private readonly TempDirectory temp = new();

    public static Task<ModelRuntime> LoadTinyAsync(string cache) => ModelRuntime.LoadAsync(
        ReferenceModels.Package(ReferenceModels.Tiny),
        Path.Combine(TestData.RepoRoot, "plugins", "prompts", "crc100k", "1.0.0", "prompts.json"),
        new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 1 },
        4,
        cache,
        NullLogger.Instance,
        CancellationToken.None);

    public string Directory => temp.Path;

    /// <summary>Runs <paramref name="path"/> through <see cref="SlideEngine"/>; the embeddings the task saw, by tile index.</summary>
    public async Task<(SlideRun Run, IReadOnlyDictionary<int, float[]> Embeddings)> RunAsync(ModelRuntime model, string path, TissueDetectionOptions? tissue = null)
    {
        using var metrics = new PipelineMetrics();
        var pipeline = new SlideEngine(
            new SlideOpener(new SlideReadingOptions()),
            tissue ?? new TissueDetectionOptions(),
            new TilingOptions(),
            new EncodingOptions { Readers = 1, BatchSize = 4 },
            new EngineOptions { TaskStateDirectory = temp.File("state") },
            metrics,
            NullLoggerFactory.Instance);
        var task = new KeepingTask();
        SlideTaskEntry[] tasks = [new SlideTaskEntry(task, "test", "1.0.0", new string('0', 64))];
        var output = temp.File("out-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(output);
        var run = await pipeline.RunAsync(new SlideRunInput("0123456789abcdef0123", path, model, tasks, output), CancellationToken.None);
        return (run, task.Embeddings);
    }

    public void Dispose() => temp.Dispose();

    // The same few lines as Validation's TileEmbeddingsTask, kept here on purpose: the engine's tests reference the
    // engine and what is below it, never Validation (a layer above, whose task is internal to it), and a test helper
    // that keeps what the engine handed out must not change when eval's capture does.
    private sealed class KeepingTask : ISlideTask
    {
        public Dictionary<int, float[]> Embeddings { get; } = [];

        public string Name => "keep";

        public int ContractMajorVersion => ContractVersion.Major;

        public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ISlideTaskRun>(new Run(this));

        private sealed class Run(KeepingTask owner) : ISlideTaskRun
        {
            public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
            {
                for (var i = 0; i < batch.Tiles.Count; i++)
                {
                    owner.Embeddings[batch.Tiles[i].Index] = batch.VectorOf(i).ToArray();
                }

                return ValueTask.CompletedTask;
            }

            public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject());

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

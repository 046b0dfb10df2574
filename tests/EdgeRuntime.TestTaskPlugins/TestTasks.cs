using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.TestTaskPlugins;

/// <summary>Counts tiles: the well-behaved neighbour of the others.</summary>
public sealed class CountingTask : ISlideTask
{
    public string Name => "counting";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run());

    private sealed class Run : ISlideTaskRun
    {
        private int tiles;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            tiles += batch.Tiles.Count;
            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject { ["tiles"] = tiles });

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Keeps a count of the slides it has seen in its state folder: state that outlives slides and processes.</summary>
public sealed class SlideCounterTask : ISlideTask
{
    public string Name => "slide-counter";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run(context.StateDirectory));

    private sealed class Run(string state) : ISlideTaskRun
    {
        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(state);
            var file = Path.Combine(state, "slides.txt");
            var count = (File.Exists(file) ? int.Parse(File.ReadAllText(file), System.Globalization.CultureInfo.InvariantCulture) : 0) + 1;
            File.WriteAllText(file, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.FromResult(new JsonObject { ["slides"] = count, ["state"] = state });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Throws on the first batch.</summary>
public sealed class ThrowingTask : ISlideTask
{
    public string Name => "throwing";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run());

    private sealed class Run : ISlideTaskRun
    {
        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this task always fails");

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject());

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Blocks its thread on the first batch, as a deadlocked plugin would.</summary>
public sealed class HangingTask : ISlideTask
{
    public string Name => "hanging";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run());

    private sealed class Run : ISlideTaskRun
    {
        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            Thread.Sleep(TimeSpan.FromSeconds(60)); // synchronous: no await to give the thread back
            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject());

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Claims a contract version this runtime does not have.</summary>
public sealed class FutureContractTask : ISlideTask
{
    public string Name => "future";

    public int ContractMajorVersion => 99;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException("never started");
}

/// <summary>
/// A task as contract 1.1 wrote them: it declares major version 1 and uses only 1.x members (the prompt classes,
/// the grid). Compiled, with this whole plugin, against the contract-1.1 surface (tests/EdgeRuntime.Contract1), as a
/// site's old plugin was built; it must still load and run on today's host.
/// </summary>
public sealed class ContractOneTask : ISlideTask
{
    public string Name => "contract-one";

    public int ContractMajorVersion => 1;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISlideTaskRun>(new Run(context.Classes.Names.Count, context.Grid.Count));

    private sealed class Run(int classes, int tiles) : ISlideTaskRun
    {
        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new JsonObject { ["classes"] = classes, ["tiles"] = tiles });

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

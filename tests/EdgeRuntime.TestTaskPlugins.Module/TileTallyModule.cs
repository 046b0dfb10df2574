using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Requests;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using Microsoft.Extensions.Logging;

namespace EdgeRuntime.TestTaskPlugins.Module;

/// <summary>
/// Registers the <c>tile-tally</c> task, the tally it feeds (a service that lives between slides, as a retrieval
/// index would), and four requests: <c>count</c> for anyone, <c>reset</c> for admins only, <c>hang</c>, which
/// never answers (the host must time it out), and <c>spin</c>, which works until its token is cancelled.
/// </summary>
public sealed class TileTallyModule : ITaskModule
{
    public int ContractMajorVersion => ContractVersion.Major;

    public void Register(ITaskRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        var tally = new Tally(registrar.StateDirectory("tile-tally"), registrar.CreateLogger("TileTally"));
        registrar.AddService(tally);
        registrar.AddTask(new TileTallyTask(tally));
        registrar.AddRequestHandler("tile-tally", "count", CallerRole.ReadOnly, (request, _) => ValueTask.FromResult(tally.Describe()));
        registrar.AddRequestHandler("tile-tally", "hang", CallerRole.ReadOnly, async (request, _) =>
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            return [];
        });
        registrar.AddRequestHandler("tile-tally", "reset", CallerRole.Admin, (request, _) =>
        {
            if (request.Body["confirm"]?.GetValue<bool>() != true)
            {
                throw new RequestRefusedException("payload: field 'confirm' must be true.");
            }

            tally.Reset();
            return ValueTask.FromResult(tally.Describe());
        });
        registrar.AddRequestHandler("tile-tally", "spin", CallerRole.ReadOnly, async (request, cancellationToken) =>
        {
            // Works until its token says stop, as a search's scan does; the tally counts the spins that stopped.
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(20, CancellationToken.None);
            }

            tally.SpinStopped();
            return [];
        });
    }
}

/// <summary>Tiles and slides seen since the plugin loaded; on disposal it writes what it saw into its state folder.</summary>
public sealed class Tally(string stateDirectory, ILogger logger) : IAsyncDisposable
{
    private readonly Lock gate = new();
    private long tiles;
    private long slides;
    private long spinsStopped;

    public void SpinStopped() => Interlocked.Increment(ref spinsStopped);

    public void Add(int slideTiles)
    {
        lock (gate)
        {
            tiles += slideTiles;
            slides++;
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            (tiles, slides) = (0, 0);
        }
    }

    public JsonObject Describe()
    {
        lock (gate)
        {
            return new JsonObject { ["tiles"] = tiles, ["slides"] = slides, ["spinsStopped"] = Interlocked.Read(ref spinsStopped) };
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.CreateDirectory(stateDirectory);
        File.WriteAllText(Path.Combine(stateDirectory, "disposed.json"), Describe().ToJsonString());
        logger.LogInformation("Tally disposed with {Tiles} tiles.", Describe()["tiles"]);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Adds each slide's tiles to the tally; reports the class set it was given, and logs with the slide in scope.</summary>
public sealed class TileTallyTask(Tally tally) : ISlideTask
{
    public string Name => "tile-tally";

    public int ContractMajorVersion => ContractVersion.Major;

    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult<ISlideTaskRun>(new Run(tally, context));
    }

    private sealed class Run(Tally tally, SlideTaskContext context) : ISlideTaskRun
    {
        private int tiles;

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            tiles += batch.Tiles.Count;
            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            tally.Add(tiles);
            context.Logger.LogInformation("tile-tally: {Tiles} tiles.", tiles);
            var set = context.ClassSet;
            return ValueTask.FromResult(new JsonObject
            {
                ["tiles"] = tiles,
                ["classSource"] = set.Source.Kind,
                ["classSet"] = set.Source.Id,
                ["classes"] = new JsonArray(set.Names.Select(n => (JsonNode)n).ToArray()),
            });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

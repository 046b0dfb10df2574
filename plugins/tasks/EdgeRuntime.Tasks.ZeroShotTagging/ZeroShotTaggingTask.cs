using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Slides;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.TaskKit.Tables;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Tasks.ZeroShotTagging;

/// <summary>
/// Zero-shot tagging: every tile scored against the task's class set (logit scale × cosine, softmax): the prompt
/// set's text embeddings, or, with a prototype set configured for it, labelled examples' image embeddings (few-shot);
/// the slide's tags by MI-Zero top-K mean pooling, and the share of tiles whose top class each class is. Writes
/// <c>tiles.csv.gz</c> (one row per tile, every class's probability) and gives the host its tile class map for
/// <c>overlay.png</c>. Setting: <c>TopK</c> (tiles pooled per class, default 10).
/// </summary>
public sealed class ZeroShotTaggingTask : ISlideTask
{
    /// <summary>Tiles pooled per class when the setting is absent (MI-Zero's default).</summary>
    public const int DefaultTopK = 10;

    /// <inheritdoc />
    public string Name => "zero-shot-tagging";

    /// <summary>Scores tiles against class embeddings: the prompt set's (a text tower) or a prototype set's.</summary>
    public ModelNeeds Needs => ModelNeeds.ClassTexts;

    /// <inheritdoc />
    public int ContractMajorVersion => ContractVersion.Major;

    /// <inheritdoc />
    public ValueTask<ISlideTaskRun> StartAsync(SlideInfo slide, SlideTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var topK = DefaultTopK;
        if (context.Settings.TryGetValue("TopK", out var text) && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out topK) || topK < 1))
        {
            throw new ArgumentException($"EdgeRuntime:Processing:TaskSettings:{Name}:TopK must be a whole number of at least 1 (is '{text}').");
        }

        return ValueTask.FromResult<ISlideTaskRun>(new Run(context, topK));
    }

    private sealed class Run : ISlideTaskRun, ITileClassMap
    {
        private readonly ClassSet classes;
        private readonly ZeroShotClassifier classifier;
        private readonly SlideTagAggregator aggregator;
        private readonly int[] topClass;
        private readonly double[] logits;
        private readonly TileSidecarWriter sidecar;

        public Run(SlideTaskContext context, int topK)
        {
            classes = context.ClassSet;
            classifier = new ZeroShotClassifier(classes);
            aggregator = new SlideTagAggregator(classes.Names.Count, topK);
            topClass = new int[context.Grid.Count];
            Array.Fill(topClass, -1);
            logits = new double[classes.Names.Count];
            sidecar = new TileSidecarWriter(Path.Combine(context.OutputDirectory, "tiles.csv.gz"), classes.Names);
        }

        public IReadOnlyList<string> ClassNames => classes.Names;

        public int ClassOf(int tileIndex) => topClass[tileIndex];

        public ValueTask OnBatchAsync(EmbeddingBatch batch, CancellationToken cancellationToken)
        {
            for (var i = 0; i < batch.Tiles.Count; i++)
            {
                classifier.Logits(batch.VectorOf(i), logits);
                aggregator.Add(logits);
                var best = ZeroShotClassifier.ArgMax(logits);
                topClass[batch.Tiles[i].Index] = best;
                ZeroShotClassifier.Softmax(logits);
                sidecar.Write(batch.Tiles[i], best, logits);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask<JsonObject> CompleteAsync(CancellationToken cancellationToken)
        {
            sidecar.Dispose(); // flushes the gzip stream before the result is committed
            var probabilities = aggregator.SlideProbabilities();
            var fractions = aggregator.ClassFractions();

            // No tile, no tags: the softmax of nothing ranks every class equal, and a reader takes the first as a finding.
            var tags = aggregator.Tiles == 0 ? [] : Enumerable.Range(0, classes.Names.Count).OrderByDescending(c => probabilities[c])
                .Select(c => (JsonNode)new JsonObject { ["class"] = classes.Names[c], ["score"] = probabilities[c], ["tileFraction"] = fractions[c] })
                .ToArray();
            return ValueTask.FromResult(new JsonObject
            {
                ["method"] = "MI-Zero top-K mean pooling",
                ["topK"] = aggregator.K,
                ["prompts"] = classes.Source.ToProvenance().ToJson(),
                ["tags"] = new JsonArray(tags),
                ["sidecar"] = "tiles.csv.gz",
            });
        }

        public ValueTask DisposeAsync()
        {
            sidecar.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

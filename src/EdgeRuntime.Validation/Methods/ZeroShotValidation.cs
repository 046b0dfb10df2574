using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tasks;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Validation.Methods;

/// <summary>
/// Zero-shot classification through the production path: each image embedded by the engine, its classes scored by
/// the tagging task's scorer (TaskKit's <see cref="ZeroShotClassifier"/>, which the tagging plugin ships), one run per
/// model and prompt set.
/// </summary>
public static class ZeroShotValidation
{
    /// <summary>Every tile of the split classified by its nearest class text; a report per model and prompt set.</summary>
    /// <param name="run">The validation.</param>
    /// <param name="promptFiles">Prompt sets to compare; a null entry: the tagging task's own.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static Task<IReadOnlyList<(string Name, JsonObject Report)>> TilesAsync(ValidationRun run, IReadOnlyList<string?> promptFiles, CancellationToken cancellationToken) =>
        EachModelAndPromptSetAsync(run, promptFiles, async scoring =>
        {
            var vectors = await run.Embedder.EmbedAsync(scoring.Model, scoring.Images.Select(i => i.Path).ToList(), cancellationToken).ConfigureAwait(false);
            return [(scoring.Name("zero-shot"), scoring.Report(vectors.Select(v => RunScoring.Score(scoring.Classifier, v)).ToList()))];
        }, cancellationToken);

    /// <summary>
    /// Whole slides: each slide's tiles pooled by MI-Zero top-K (TaskKit's <see cref="SlideTagAggregator"/>, the
    /// tagging task's own); a report per model, prompt set and K, none chosen on the test set.
    /// </summary>
    /// <param name="run">The validation (its dataset lists slides).</param>
    /// <param name="promptFiles">Prompt sets to compare; a null entry: the tagging task's own.</param>
    /// <param name="ks">The K of top-K pooling.</param>
    /// <param name="progress">Where a line per slide goes.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static Task<IReadOnlyList<(string Name, JsonObject Report)>> SlidesAsync(ValidationRun run, IReadOnlyList<string?> promptFiles, IReadOnlyList<int> ks, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ks);
        ArgumentNullException.ThrowIfNull(progress);
        return EachModelAndPromptSetAsync(run, promptFiles, async scoring =>
        {
            var images = scoring.Images;
            var probabilities = ks.ToDictionary(k => k, _ => new List<double[]>());
            var logits = new double[scoring.Classes.Names.Count];
            for (var s = 0; s < images.Count; s++)
            {
                var tiles = await run.Embedder.EmbedTilesAsync(scoring.Model, images[s].Path, cancellationToken).ConfigureAwait(false);
                var pools = ks.Select(k => new SlideTagAggregator(scoring.Classes.Names.Count, k)).ToArray();
                foreach (var tile in tiles)
                {
                    scoring.Classifier.Logits(tile, logits);
                    foreach (var pool in pools)
                    {
                        pool.Add(logits);
                    }
                }

                for (var i = 0; i < ks.Count; i++)
                {
                    probabilities[ks[i]].Add(pools[i].SlideProbabilities());
                }

                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {s + 1}/{images.Count} slides ({tiles.Length} tiles in {Path.GetFileName(images[s].Path)})"));
            }

            return ks.Select(k =>
            {
                var pooling = new JsonObject { ["method"] = "MI-Zero top-K mean of tile logits, softmax", ["k"] = k };
                return (scoring.Name(string.Create(CultureInfo.InvariantCulture, $"slides, top-{k}")), scoring.Report(probabilities[k], pooling));
            }).ToList();
        }, cancellationToken);
    }

    // The loop both methods share: every model with every prompt set, the model loaded as the service loads it and
    // scored by the tagging task's classes; each method only turns its images into probabilities.
    private static async Task<IReadOnlyList<(string Name, JsonObject Report)>> EachModelAndPromptSetAsync(ValidationRun run, IReadOnlyList<string?> promptFiles, Func<Scoring, Task<IReadOnlyList<(string, JsonObject)>>> score, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(promptFiles);
        var images = run.Dataset.Split(run.Split);
        var runs = new List<(string, JsonObject)>();
        foreach (var modelDirectory in run.Models)
        {
            foreach (var promptFile in promptFiles)
            {
                using var model = await run.LoadAsync(modelDirectory, promptFile, cancellationToken).ConfigureAwait(false);
                var classSet = ValidationRun.ZeroShotClassesOf(model, ValidationRun.TaggingTask);
                runs.AddRange(await score(new Scoring(run, model, classSet, images)).ConfigureAwait(false));
            }
        }

        return runs;
    }

    private sealed class Scoring(ValidationRun run, ModelRuntime model, ClassSet classes, IReadOnlyList<LabelledImage> images)
    {
        private readonly int[] truth = run.Truth(images, classes.Names);

        public ModelRuntime Model => model;

        public ClassSet Classes => classes;

        public IReadOnlyList<LabelledImage> Images => images;

        public ZeroShotClassifier Classifier { get; } = new(classes);

        public string Name(string method) =>
            $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classes.Source.Id} {classes.Source.Version} · {method}";

        public JsonObject Report(IReadOnlyList<double[]> probabilities, JsonObject? pooling = null)
        {
            var report = ClassificationReport.Of(truth, probabilities, classes.Names, run.Seed, run.Resamples, run.Ordered, images.Select(i => i.Path).ToList());
            if (pooling is not null)
            {
                report["pooling"] = pooling;
            }

            report["provenance"] = RunScoring.Provenance(model, classes.Source);
            return report;
        }
    }
}

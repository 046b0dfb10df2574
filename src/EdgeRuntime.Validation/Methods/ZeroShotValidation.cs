using System.Globalization;
using System.Text.Json.Nodes;
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
    public static async Task<IReadOnlyList<(string Name, JsonObject Report)>> TilesAsync(ValidationRun run, IReadOnlyList<string?> promptFiles, CancellationToken cancellationToken)
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
                var truth = run.Truth(images, classSet.Names);
                var vectors = await run.Embedder.EmbedAsync(model, images.Select(i => i.Path).ToList(), cancellationToken).ConfigureAwait(false);
                var classifier = new ZeroShotClassifier(classSet);
                var probabilities = vectors.Select(v => RunScoring.Score(classifier, v)).ToList();
                var name = $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classSet.Source.Id} {classSet.Source.Version} · zero-shot";
                var report = ClassificationReport.Of(truth, probabilities, classSet.Names, run.Seed, run.Resamples, run.Ordered, images.Select(i => i.Path).ToList());
                report["provenance"] = RunScoring.Provenance(model, classSet.Source);
                runs.Add((name, report));
            }
        }

        return runs;
    }

    /// <summary>
    /// Whole slides: each slide's tiles pooled by MI-Zero top-K (TaskKit's <see cref="SlideTagAggregator"/>, the
    /// tagging task's own); a report per model, prompt set and K, none chosen on the test set.
    /// </summary>
    /// <param name="run">The validation (its dataset lists slides).</param>
    /// <param name="promptFiles">Prompt sets to compare; a null entry: the tagging task's own.</param>
    /// <param name="ks">The K of top-K pooling.</param>
    /// <param name="progress">Where a line per slide goes.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<IReadOnlyList<(string Name, JsonObject Report)>> SlidesAsync(ValidationRun run, IReadOnlyList<string?> promptFiles, IReadOnlyList<int> ks, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(promptFiles);
        ArgumentNullException.ThrowIfNull(ks);
        ArgumentNullException.ThrowIfNull(progress);
        var images = run.Dataset.Split(run.Split);
        var runs = new List<(string, JsonObject)>();
        foreach (var modelDirectory in run.Models)
        {
            foreach (var promptFile in promptFiles)
            {
                using var model = await run.LoadAsync(modelDirectory, promptFile, cancellationToken).ConfigureAwait(false);
                var classSet = ValidationRun.ZeroShotClassesOf(model, ValidationRun.TaggingTask);
                var truth = run.Truth(images, classSet.Names);
                var classifier = new ZeroShotClassifier(classSet);
                var probabilities = ks.ToDictionary(k => k, _ => new List<double[]>());
                var logits = new double[classSet.Names.Count];
                for (var s = 0; s < images.Count; s++)
                {
                    var tiles = await run.Embedder.EmbedTilesAsync(model, images[s].Path, cancellationToken).ConfigureAwait(false);
                    var pools = ks.Select(k => new SlideTagAggregator(classSet.Names.Count, k)).ToArray();
                    foreach (var tile in tiles)
                    {
                        classifier.Logits(tile, logits);
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

                foreach (var k in ks)
                {
                    var report = ClassificationReport.Of(truth, probabilities[k], classSet.Names, run.Seed, run.Resamples, run.Ordered, images.Select(i => i.Path).ToList());
                    report["pooling"] = new JsonObject { ["method"] = "MI-Zero top-K mean of tile logits, softmax", ["k"] = k };
                    report["provenance"] = RunScoring.Provenance(model, classSet.Source);
                    runs.Add((string.Create(CultureInfo.InvariantCulture, $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {classSet.Source.Id} {classSet.Source.Version} · slides, top-{k}"), report));
                }
            }
        }

        return runs;
    }
}

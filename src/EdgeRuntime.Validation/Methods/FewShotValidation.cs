using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Inference.Prototypes;
using EdgeRuntime.TaskKit.ZeroShot;

namespace EdgeRuntime.Validation.Methods;

/// <summary>
/// Few-shot classification by the nearest class prototype: K labelled examples per class drawn from the training
/// split (<see cref="FewShotDraw"/>), each class's prototype their normalised mean (<see cref="PrototypeMean"/>, as
/// <c>edgert prototypes build</c> makes it), scored by the tagging task's scorer; mean ± s.d. over repeated draws.
/// </summary>
public static class FewShotValidation
{
    /// <summary>A report per model and shot count, each summarising <paramref name="repeats"/> draws.</summary>
    /// <param name="run">The validation.</param>
    /// <param name="shots">Examples per class, one report each.</param>
    /// <param name="repeats">Draws per shot count, seeded with seed + repeat.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="InvalidDataException">A class has fewer training images than shots, or the shots leave a class untested.</exception>
    public static async Task<IReadOnlyList<(string Name, JsonObject Report)>> RunAsync(ValidationRun run, IReadOnlyList<int> shots, int repeats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(shots);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var labels = run.Dataset.Labels;
        var runs = new List<(string, JsonObject)>();
        foreach (var modelDirectory in run.Models)
        {
            using var model = await run.LoadAsync(modelDirectory, null, cancellationToken).ConfigureAwait(false);
            var vectors = await run.Embedder.EmbedAsync(model, run.Dataset.Images.Select(i => i.Path).ToList(), cancellationToken).ConfigureAwait(false);
            var byImage = run.Dataset.Images.Select((image, i) => (image, vector: vectors[i], label: labels.ToList().IndexOf(image.Label))).ToList();
            var dimension = model.Package.Manifest.EmbeddingSize;
            foreach (var k in shots)
            {
                var reports = new List<JsonObject>();
                for (var r = 0; r < repeats; r++)
                {
                    var (train, test) = TrainTestSplit.Of(byImage.Select(b => (b.image, b.label)).ToList(), run.Split, run.Seed + r, k);
                    var prototypes = new float[labels.Count * dimension];
                    for (var c = 0; c < labels.Count; c++)
                    {
                        var drawn = FewShotDraw.Draw(train.Where(t => t.Label == c).Select(t => t.Index).ToList(), k, run.Seed + r);
                        if (drawn.Count < k)
                        {
                            throw new InvalidDataException($"{run.Dataset.Source}: class '{labels[c]}' has {drawn.Count} training images, fewer than {k} shots.");
                        }

                        PrototypeMean.Into(drawn.Select(i => byImage[i].vector), prototypes.AsSpan(c * dimension, dimension));
                    }

                    var untested = Enumerable.Range(0, labels.Count).Where(c => test.All(t => t.Label != c)).Select(c => labels[c]).ToList();
                    if (untested.Count > 0)
                    {
                        throw new InvalidDataException($"{run.Dataset.Source}: {k} shots leave no test image of {string.Join(", ", untested)}; use fewer shots or a dataset with a test split.");
                    }

                    var classifier = new ZeroShotClassifier(prototypes, labels.Count, model.Package.Manifest.LogitScale);
                    var probabilities = test.Select(t => RunScoring.Score(classifier, byImage[t.Index].vector)).ToList();
                    // Rows per sample for the first draw only (the report's "first", whose charts are shown): a row per
                    // test image per draw per shot count would multiply a large dataset's rows by both.
                    reports.Add(ClassificationReport.Of(test.Select(t => t.Label).ToList(), probabilities, labels, run.Seed + r, resamples: 0, run.Ordered, r == 0 ? test.Select(t => byImage[t.Index].image.Path).ToList() : null));
                }

                var name = string.Create(CultureInfo.InvariantCulture, $"{model.Package.Identity.Id} {model.Package.Identity.Version} · {k}-shot prototypes");
                var document = new JsonObject
                {
                    ["shots"] = k,
                    ["repeats"] = repeats,
                    ["metrics"] = RepeatSummary.Of(reports),
                    ["first"] = reports[0],
                    ["provenance"] = RunScoring.Provenance(model, null),
                    ["note"] = "sample s.d. over repeats; each repeat draws its own examples with seed + repeat; 'first' (its per-class rows, confusion matrix and per-sample rows) is the draw with the seed itself",
                };
                runs.Add((name, document));
            }
        }

        return runs;
    }
}

using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Validation.Embedding;

namespace EdgeRuntime.Validation.Methods;

/// <summary>
/// Recall@K of retrieval: text → image and image → text on image–caption pairs, image → image by class on labelled
/// images; images embedded by the engine, captions by the model's text tower.
/// </summary>
public static class RetrievalValidation
{
    /// <summary>A report per model.</summary>
    /// <param name="run">The validation (captions, labelled images, or both).</param>
    /// <param name="ks">The K of Recall@K.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<IReadOnlyList<(string Name, JsonObject Report)>> RunAsync(ValidationRun run, IReadOnlyList<int> ks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(ks);
        var kList = ks.ToArray();
        var runs = new List<(string, JsonObject)>();
        foreach (var modelDirectory in run.Models)
        {
            using var model = await run.LoadAsync(modelDirectory, null, cancellationToken).ConfigureAwait(false);
            var report = new JsonObject { ["provenance"] = RunScoring.Provenance(model, null) };
            var metrics = new JsonObject();
            if (run.Captions is { } pairs)
            {
                var images = await run.Embedder.EmbedAsync(model, pairs.Images, cancellationToken).ConfigureAwait(false);
                // Identical captions embed identically: each distinct text is encoded and scored once.
                var texts = await TextEmbeddings.EncodeAsync(model, pairs.Texts.ToList(), cancellationToken).ConfigureAwait(false);
                var crossModal = RetrievalReport.CrossModal(images, texts, pairs.ImagesOfText, pairs.Captions.Count, kList, run.Seed, run.Resamples);
                report["crossModal"] = crossModal;
                foreach (var (direction, label) in new[] { ("textToImage", "text→image"), ("imageToText", "image→text") })
                {
                    foreach (var k in kList)
                    {
                        metrics[$"{label} R@{k}"] = crossModal[direction]![$"recall@{k}"]!.DeepClone();
                    }
                }
            }

            if (run.Dataset.Images.Count > 0)
            {
                var tiles = run.Dataset;
                var labels = tiles.Labels.ToList();
                var vectors = await run.Embedder.EmbedAsync(model, tiles.Images.Select(i => i.Path).ToList(), cancellationToken).ConfigureAwait(false);
                var sameClass = RetrievalReport.SameClass(vectors, tiles.Images.Select(i => labels.IndexOf(i.Label)).ToList(), kList, run.Seed, run.Resamples);
                report["sameClass"] = sameClass;
                foreach (var k in kList)
                {
                    metrics[$"image→image R@{k}"] = sameClass["imageToImage"]![$"recall@{k}"]!.DeepClone();
                }
            }

            report["metrics"] = metrics;
            runs.Add(($"{model.Package.Identity.Id} {model.Package.Identity.Version}", report));
        }

        return runs;
    }
}

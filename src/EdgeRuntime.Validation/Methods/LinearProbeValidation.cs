using System.Globalization;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Probes;
using EdgeRuntime.Evaluation.Reports;

namespace EdgeRuntime.Validation.Methods;

/// <summary>
/// The linear probe: multinomial logistic regression (<see cref="LinearProbe"/>) fitted on the frozen embeddings of
/// the training split, reported on the test split.
/// </summary>
public static class LinearProbeValidation
{
    /// <summary>A report per model.</summary>
    /// <param name="run">The validation.</param>
    /// <param name="strength">Inverse L2 strength, as scikit-learn's <c>LogisticRegression</c> C (positive).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<IReadOnlyList<(string Name, JsonObject Report)>> RunAsync(ValidationRun run, double strength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var labels = run.Dataset.Labels;
        var runs = new List<(string, JsonObject)>();
        foreach (var modelDirectory in run.Models)
        {
            using var model = await run.LoadAsync(modelDirectory, null, cancellationToken).ConfigureAwait(false);
            var vectors = await run.Embedder.EmbedAsync(model, run.Dataset.Images.Select(i => i.Path).ToList(), cancellationToken).ConfigureAwait(false);
            var indexed = run.Dataset.Images.Select((image, i) => (image, labels.ToList().IndexOf(image.Label))).ToList();
            var (train, test) = TrainTestSplit.Of(indexed, run.Split, run.Seed, 1);
            var probe = LinearProbe.Fit(train.Select(t => vectors[t.Index]).ToList(), train.Select(t => t.Label).ToList(), labels.Count, strength);
            var probabilities = test.Select(t => probe.Probabilities(vectors[t.Index])).ToList();
            var report = ClassificationReport.Of(test.Select(t => t.Label).ToList(), probabilities, labels, run.Seed, run.Resamples, run.Ordered, test.Select(t => run.Dataset.Images[t.Index].Path).ToList());
            report["probe"] = new JsonObject { ["c"] = strength, ["trainSamples"] = train.Count, ["features"] = "unit image embeddings", ["solver"] = "L-BFGS (Math.NET), scikit-learn's objective" };
            report["provenance"] = RunScoring.Provenance(model, null);
            runs.Add(($"{model.Package.Identity.Id} {model.Package.Identity.Version} · linear probe (C = {strength.ToString(CultureInfo.InvariantCulture)})", report));
        }

        return runs;
    }
}

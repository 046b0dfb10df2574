using System.Text.Json.Nodes;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// A row per sample of a classification run: its file, its true class, the predicted one, whether they agree, the
/// predicted class's probability (the confidence) and every class's probability. The rows tell which images were
/// wrong without tagging each one again, and the most confident wrong ones are what a reviewer looks at first.
/// </summary>
public static class SampleRows
{
    /// <summary>The rows, in the samples' order.</summary>
    public static JsonArray Of(IReadOnlyList<string> paths, IReadOnlyList<int> truth, IReadOnlyList<double[]> probabilities, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(classes);
        if (paths.Count != truth.Count || probabilities.Count != truth.Count)
        {
            throw new ArgumentException($"{paths.Count} paths, {truth.Count} true labels and {probabilities.Count} score rows: one of each per sample.", nameof(paths));
        }

        var rows = new JsonArray();
        for (var i = 0; i < truth.Count; i++)
        {
            var predicted = ClassificationReport.ArgMax(probabilities[i]);
            var scores = new JsonObject();
            for (var c = 0; c < classes.Count; c++)
            {
                scores[classes[c]] = probabilities[i][c];
            }

            rows.Add(new JsonObject
            {
                ["path"] = paths[i],
                ["truth"] = classes[truth[i]],
                ["prediction"] = classes[predicted],
                ["correct"] = predicted == truth[i],
                ["confidence"] = probabilities[i][predicted],
                ["scores"] = scores,
            });
        }

        return rows;
    }

    /// <summary>
    /// The wrong rows, most confident first (ties in the samples' order), at most <paramref name="count"/>: a
    /// confident mistake is a mislabelled tile, an artefact or a class the prompts describe badly.
    /// </summary>
    public static IReadOnlyList<JsonObject> WorstMisclassified(JsonArray rows, int count)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select((r, i) => (Row: r!.AsObject(), Index: i))
            .Where(r => !r.Row["correct"]!.GetValue<bool>())
            .OrderByDescending(r => r.Row["confidence"]!.GetValue<double>())
            .ThenBy(r => r.Index)
            .Take(count)
            .Select(r => r.Row)
            .ToList();
    }
}

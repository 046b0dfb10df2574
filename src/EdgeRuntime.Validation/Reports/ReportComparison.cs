using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;

namespace EdgeRuntime.Validation.Reports;

/// <summary>
/// The seed papers' table from several eval reports: a row per run (model, class set, method), a column per
/// dataset, one metric in each cell, the best of each column in bold.
/// </summary>
public static class ReportComparison
{
    /// <summary>The Markdown table of <paramref name="metric"/> over <paramref name="reportFiles"/>.</summary>
    /// <exception cref="InvalidDataException">A file is not an eval report, or a run has no such metric.</exception>
    /// <exception cref="System.Text.Json.JsonException">A file is not JSON.</exception>
    public static string Table(IEnumerable<string> reportFiles, string metric)
    {
        ArgumentNullException.ThrowIfNull(reportFiles);
        var cells = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var datasets = new List<string>();
        foreach (var file in reportFiles)
        {
            var document = JsonNode.Parse(File.ReadAllText(file)) as JsonObject
                ?? throw new InvalidDataException($"{file}: not an edgert eval report.");
            var dataset = Path.GetFileName(document["dataset"]?["source"]?.GetValue<string>()?.TrimEnd('/') ?? Path.GetFileName(Path.GetDirectoryName(file))!);
            datasets.Add(dataset);
            foreach (var run in document["runs"]?.AsArray() ?? throw new InvalidDataException($"{file}: no 'runs'."))
            {
                var row = run!["name"]!.GetValue<string>();
                var value = run["metrics"]?[metric] ?? throw new InvalidDataException($"{file}: run '{row}' has no metric '{metric}' (it has {string.Join(", ", run["metrics"]!.AsObject().Select(m => m.Key))}).");
                if (!cells.TryGetValue(row, out var columns))
                {
                    cells[row] = columns = [];
                }

                columns[dataset] = value.DeepClone();
            }
        }

        return $"# edgert eval compare: {metric}\n\n" + MarkdownReport.Table($"{metric} by dataset (best per column in bold)", cells.Select(c => (c.Key, c.Value)).ToList(), datasets.Distinct().ToList());
    }
}

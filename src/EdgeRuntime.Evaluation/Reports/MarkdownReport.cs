using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// The report for people: one row per run (a model with a class set and a method), a column per headline metric,
/// the best value of each column in bold, as the seed papers' tables are laid out.
/// </summary>
public static class MarkdownReport
{
    /// <summary>A table of runs; each run's <c>metrics</c> holds {value, ci95} or {mean, sd} per metric.</summary>
    public static string Table(string title, IReadOnlyList<(string Name, JsonObject Metrics)> runs, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(columns);
        var inv = CultureInfo.InvariantCulture;
        var best = columns.ToDictionary(c => c, c => runs.Select(r => Central(r.Metrics[c])).Where(v => v is not null).DefaultIfEmpty(null).Max());
        var text = new StringBuilder();
        text.Append(inv, $"### {title}\n\n| run | {string.Join(" | ", columns)} |\n|---|{string.Concat(columns.Select(_ => "---|"))}\n");
        foreach (var (name, metrics) in runs)
        {
            text.Append(inv, $"| {name} |");
            foreach (var column in columns)
            {
                var cell = Cell(metrics[column]);
                var value = Central(metrics[column]);
                text.Append(' ').Append(value is not null && value == best[column] && runs.Count > 1 ? $"**{cell}**" : cell).Append(" |");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static double? Central(JsonNode? metric) => metric?["value"]?.GetValue<double>() ?? metric?["mean"]?.GetValue<double>();

    private static string Cell(JsonNode? metric)
    {
        var inv = CultureInfo.InvariantCulture;
        if (metric is null)
        {
            return "–";
        }

        if (metric["mean"] is { } mean)
        {
            return string.Create(inv, $"{mean.GetValue<double>():0.000} ± {metric["sd"]!.GetValue<double>():0.000}");
        }

        var value = metric["value"]?.GetValue<double>();
        if (value is null)
        {
            return "–";
        }

        return metric["ci95"] is JsonArray ci
            ? string.Create(inv, $"{value:0.000} [{ci[0]!.GetValue<double>():0.000}, {ci[1]!.GetValue<double>():0.000}]")
            : string.Create(inv, $"{value:0.000}");
    }
}

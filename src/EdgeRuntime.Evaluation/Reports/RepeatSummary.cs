using System.Text.Json.Nodes;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// Each metric over repeated runs of one setting (few-shot draws with seed + repeat): its mean, its sample
/// standard deviation (n − 1; 0 for one run) and every value, so a reader sees the spread, not one lucky draw.
/// </summary>
public static class RepeatSummary
{
    /// <summary>The summary of the metrics of <paramref name="reports"/> (each with a <c>metrics</c> object of <c>{value}</c>s, as <see cref="ClassificationReport"/> writes them), keyed as the first report's.</summary>
    public static JsonObject Of(IReadOnlyList<JsonObject> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("a summary needs at least one run.", nameof(reports));
        }

        var summary = new JsonObject();
        foreach (var metric in reports[0]["metrics"]!.AsObject().Select(m => m.Key))
        {
            var values = reports.Select(x => x["metrics"]![metric]!["value"]?.GetValue<double>() ?? double.NaN).ToArray();
            var mean = values.Average();
            var sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
            summary[metric] = new JsonObject { ["mean"] = mean, ["sd"] = sd, ["values"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };
        }

        return summary;
    }
}

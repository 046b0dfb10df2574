using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;

namespace EdgeRuntime.Validation.Reports;

/// <summary>
/// The report folder of a classification method (zero-shot, few-shot, linear probe): the summary table, each run's
/// confusion matrix, per-class chart and table, its most confident mistakes as a contact sheet, and every sample's row.
/// </summary>
public static class ClassificationReportWriter
{
    /// <summary>Writes <paramref name="runs"/> into the run's output folder.</summary>
    /// <param name="run">The validation.</param>
    /// <param name="method">The method as the command names it (the report's heading and <c>method</c>).</param>
    /// <param name="runs">The runs' names and reports.</param>
    public static WrittenReport Write(ValidationRun run, string method, IReadOnlyList<(string Name, JsonObject Report)> runs)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(runs);
        var output = run.Output;
        var dataset = run.Dataset;
        Directory.CreateDirectory(output);
        var inv = CultureInfo.InvariantCulture;
        var markdown = new StringBuilder();
        markdown.Append(inv, $"# edgert eval {method}\n\nDataset: `{dataset.Source}`{(run.Split is null ? string.Empty : $", split `{run.Split}`")}; {dataset.Images.Count} images, labels {string.Join(", ", dataset.Labels)}.\n\n");
        var columns = ClassificationReport.Headline.Concat(runs.SelectMany(r => r.Report["metrics"]!.AsObject().Select(m => m.Key)).Where(k => !ClassificationReport.Headline.Contains(k)).Distinct()).ToList();
        markdown.Append(MarkdownReport.Table("Summary (95 % bootstrap intervals, or mean ± s.d. over repeats; best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), columns));
        markdown.Append("\nEvery sample's truth, prediction and class scores: `samples.csv` (and `perSample` in `report.json`)");
        markdown.Append(runs.Any(r => r.Report["first"] is not null) ? "; for few-shot runs, those of the first draw (seed = --seed), which the charts show too.\n" : ".\n");
        var entries = new JsonArray();
        var samples = new List<(string, JsonArray)>();
        var pictures = 0;
        foreach (var ((name, report), i) in runs.Select((r, i) => (r, i)))
        {
            var detail = report["perClass"] is not null ? report : report["first"]!.AsObject();
            var slug = string.Create(inv, $"run{i + 1}");
            var classes = detail["classes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
            var confusion = detail["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
            var charts = new JsonArray(slug + "-confusion.png", slug + "-per-class.png");
            Charts.ConfusionMatrix(Path.Combine(output, slug + "-confusion.png"), confusion, classes, name);
            var perClass = detail["perClass"]!.AsArray();
            Charts.PerClass(Path.Combine(output, slug + "-per-class.png"), classes, [Series(perClass, "precision", "precision"), Series(perClass, "recall", "recall"), Series(perClass, "f1", "F1")], name);
            markdown.Append(inv, $"\n### {name}\n\n![confusion matrix]({slug}-confusion.png) ![per class]({slug}-per-class.png)\n\n");
            var intervals = perClass.Any(p => p!["ci95"] is not null);
            markdown.Append(intervals ? "| class | support | precision [95 % CI] | recall [95 % CI] | F1 [95 % CI] |\n" : "| class | support | precision | recall | F1 |\n").Append("|---|---|---|---|---|\n");
            foreach (var p in perClass)
            {
                markdown.Append(inv, $"| {p!["class"]} | {p["support"]} | {PerClassCell(p, "precision")} | {PerClassCell(p, "recall")} | {PerClassCell(p, "f1")} |\n");
            }

            if (detail["perSample"] is JsonArray rows)
            {
                samples.Add((name, rows));
                var worst = WorstSamplesSheet.Write(run.Host.SlideReading, rows, Path.Combine(output, slug + "-worst.png"), $"{name}: most confident mistakes");
                if (worst.Count > 0)
                {
                    charts.Add(slug + "-worst.png");
                    markdown.Append(inv, $"\nThe {worst.Count} most confident mistakes (of {rows.Count(r => !r!["correct"]!.GetValue<bool>())} wrong in {rows.Count}):\n\n![most confident mistakes]({slug}-worst.png)\n\n| file | true | predicted | confidence |\n|---|---|---|---|\n");
                    foreach (var w in worst)
                    {
                        markdown.Append(inv, $"| `{Path.GetFileName(w["path"]!.GetValue<string>())}` | {w["truth"]} | {w["prediction"]} | {w["confidence"]!.GetValue<double>():0.000} |\n");
                    }
                }
                else
                {
                    markdown.Append(inv, $"\nNo sample of the {rows.Count} is misclassified.\n");
                }
            }

            pictures += charts.Count;
            var entry = report.DeepClone().AsObject();
            entry["name"] = name;
            entry["charts"] = charts;
            entries.Add(entry);
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = method,
            ["dataset"] = new JsonObject { ["source"] = dataset.Source, ["split"] = run.Split, ["images"] = dataset.Images.Count, ["labels"] = new JsonArray(dataset.Labels.Select(l => (JsonNode)l).ToArray()) },
            ["runs"] = entries,
        };
        ReportFolder.Write(output, document, markdown.ToString(), SampleTable.Csv(samples));
        return new WrittenReport(markdown.ToString(), $"report: {Path.Combine(output, "report.json")}, {Path.Combine(output, "report.md")}, {Path.Combine(output, "samples.csv")} and {pictures} pictures");
    }

    private static (string, double[], (double, double)[]?) Series(JsonArray perClass, string key, string label)
    {
        var values = perClass.Select(p => p![key]!.GetValue<double>()).ToArray();
        var intervals = perClass.All(p => p!["ci95"] is not null)
            ? perClass.Select(p => (p!["ci95"]![key]![0]!.GetValue<double>(), p["ci95"]![key]![1]!.GetValue<double>())).ToArray()
            : null;
        return (label, values, intervals);
    }

    private static string PerClassCell(JsonNode row, string key)
    {
        var value = row[key]!.GetValue<double>();
        return row["ci95"]?[key] is JsonArray ci
            ? string.Create(CultureInfo.InvariantCulture, $"{value:0.000} [{ci[0]!.GetValue<double>():0.000}, {ci[1]!.GetValue<double>():0.000}]")
            : value.ToString("0.000", CultureInfo.InvariantCulture);
    }
}

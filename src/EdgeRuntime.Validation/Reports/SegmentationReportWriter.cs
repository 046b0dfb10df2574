using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Reports;

namespace EdgeRuntime.Validation.Reports;

/// <summary>The report folder of segmentation: Dice per class and its mean, each run's per-class table and its weakest images.</summary>
public static class SegmentationReportWriter
{
    private const int WorstImages = 10;

    /// <summary>Writes <paramref name="runs"/> into <paramref name="folder"/>.</summary>
    public static WrittenReport Write(string folder, SegmentationDataset pairs, IReadOnlyList<(string Name, JsonObject Report)> runs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(runs);
        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"# edgert eval segmentation\n\nDataset: `{pairs.Source}`; {pairs.Pairs.Count} image and mask pairs.\n\n");
        markdown.Append(MarkdownReport.Table("Dice per class and its mean (best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), runs[0].Report["metrics"]!.AsObject().Select(m => m.Key).ToList()));
        foreach (var (name, report) in runs)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"\n### {name}\n\n| class | cells | Dice | precision | recall |\n|---|---|---|---|---|\n");
            foreach (var c in report["perClass"]!.AsArray())
            {
                var dice = c!["dice"]?.GetValue<double>();
                markdown.Append(CultureInfo.InvariantCulture, $"| {c["class"]} | {c["cells"]} | {(dice is { } d ? d.ToString("0.000", CultureInfo.InvariantCulture) : "–")} | {c["precision"]!.GetValue<double>():0.000} | {c["recall"]!.GetValue<double>():0.000} |\n");
            }

            var images = report["perSample"]!.AsArray().Select(r => r!.AsObject()).OrderBy(r => r["meanDice"]?.GetValue<double>() ?? double.PositiveInfinity).ToList();
            markdown.Append(CultureInfo.InvariantCulture, $"\nImages by their own mean Dice, lowest first ({Math.Min(images.Count, WorstImages)} of {images.Count}; all in `samples.csv`):\n\n| image | scored cells | mean Dice |\n|---|---|---|\n");
            foreach (var row in images.Take(WorstImages))
            {
                var mean = row["meanDice"]?.GetValue<double>();
                markdown.Append(CultureInfo.InvariantCulture, $"| `{Path.GetFileName(row["path"]!.GetValue<string>())}` | {row["cells"]} | {(mean is { } m ? m.ToString("0.000", CultureInfo.InvariantCulture) : "–")} |\n");
            }
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = "segmentation",
            ["dataset"] = new JsonObject { ["source"] = pairs.Source, ["pairs"] = pairs.Pairs.Count },
            ["runs"] = ReportFolder.Runs(runs),
        };
        ReportFolder.Write(folder, document, markdown.ToString(), SampleTable.Csv(runs.Select(r => (r.Name, r.Report["perSample"]!.AsArray())).ToList()));
        return new WrittenReport(markdown.ToString(), Files: null);
    }
}

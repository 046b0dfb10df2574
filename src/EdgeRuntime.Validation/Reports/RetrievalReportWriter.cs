using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;

namespace EdgeRuntime.Validation.Reports;

/// <summary>The report folder of retrieval: the Recall@K table with chance, the caption rule, and a chart per direction.</summary>
public static class RetrievalReportWriter
{
    /// <summary>Writes <paramref name="runs"/> into the run's output folder.</summary>
    public static WrittenReport Write(ValidationRun run, IReadOnlyList<(string Name, JsonObject Report)> runs)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(runs);
        var output = run.Output;
        var captions = run.Captions;
        Directory.CreateDirectory(output);
        var first = runs[0].Report["metrics"]!.AsObject();
        var markdown = new StringBuilder();
        var described = captions is { } c ? $"{c.Images.Count} images with {c.Captions.Count} captions" : $"{run.Dataset.Images.Count} images";
        markdown.Append(CultureInfo.InvariantCulture, $"# edgert eval retrieval\n\nDataset: `{captions?.Source ?? run.Dataset.Source}`; {described}.\n\n");
        markdown.Append(MarkdownReport.Table("Recall@K (95 % bootstrap intervals over the queries; best per column in bold)", runs.Select(r => (r.Name, r.Report["metrics"]!.AsObject())).ToList(), first.Select(m => m.Key).ToList()));
        markdown.Append("\nChance (a random ranking): ");
        markdown.Append(string.Join(", ", first.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value!["chance"]!.GetValue<double>():0.000}"))));
        markdown.Append('\n');
        if (captions is { } pairs)
        {
            markdown.Append(CultureInfo.InvariantCulture, $"\n{pairs.Captions.Count} captions, {pairs.Texts.Count} distinct.");
            markdown.Append(pairs.DuplicateCaptions > 0
                ? string.Create(CultureInfo.InvariantCulture, $" **{pairs.DuplicateCaptions} captions repeat another's text**: {RetrievalReport.CaptionRule}. text→image has {pairs.Texts.Count} queries, image→text {pairs.Texts.Count} candidates.\n")
                : " A caption finds its image (text→image); an image, any of its captions (image→text).\n");
        }

        var pictures = new JsonArray();
        foreach (var (section, direction, label, file) in new[]
        {
            ("crossModal", "textToImage", "text → image", "recall-text-to-image.png"),
            ("crossModal", "imageToText", "image → text", "recall-image-to-text.png"),
            ("sameClass", "imageToImage", "image → image (same class)", "recall-image-to-image.png"),
        })
        {
            if (runs[0].Report[section]?[direction] is not JsonObject firstRecalls)
            {
                continue;
            }

            var ks = firstRecalls.Select(r => int.Parse(r.Key["recall@".Length..], CultureInfo.InvariantCulture)).ToList();
            var series = runs.Select(r =>
            {
                var recalls = r.Report[section]![direction]!.AsObject().Select(x => x.Value!).ToList();
                var intervals = recalls.All(x => x["ci95"] is not null) ? recalls.Select(x => (x["ci95"]![0]!.GetValue<double>(), x["ci95"]![1]!.GetValue<double>())).ToArray() : null;
                return (r.Name, recalls.Select(x => x["value"]!.GetValue<double>()).ToArray(), intervals);
            }).ToList();
            Charts.RecallAtK(Path.Combine(output, file), ks, series, firstRecalls.Select(x => x.Value!["chance"]!.GetValue<double>()).ToArray(), $"Recall@K, {label}");
            markdown.Append(CultureInfo.InvariantCulture, $"\n![Recall@K, {label}]({file})\n");
            pictures.Add(file);
        }

        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["method"] = "retrieval",
            ["dataset"] = new JsonObject { ["source"] = captions?.Source ?? run.Dataset.Source, ["images"] = captions?.Images.Count ?? run.Dataset.Images.Count, ["captions"] = captions?.Captions.Count, ["distinctCaptions"] = captions?.Texts.Count },
            ["charts"] = pictures,
            ["runs"] = ReportFolder.Runs(runs),
        };
        ReportFolder.Write(output, document, markdown.ToString(), samplesCsv: null);
        return new WrittenReport(markdown.ToString(), $"report: {Path.Combine(output, "report.json")}, {Path.Combine(output, "report.md")} and {pictures.Count} charts");
    }
}

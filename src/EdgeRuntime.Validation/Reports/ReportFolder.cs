using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Validation.Reports;

/// <summary>
/// The files every eval report folder holds: <c>report.json</c> (indented), <c>samples.csv</c> (a row per sample,
/// where the method has samples) and <c>report.md</c>, each replaced whole.
/// </summary>
public static class ReportFolder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the folder's files (creating it); <paramref name="samplesCsv"/> null: no <c>samples.csv</c>.</summary>
    public static void Write(string folder, JsonObject document, string markdown, string? samplesCsv)
    {
        ArgumentNullException.ThrowIfNull(document);
        Directory.CreateDirectory(folder);
        AtomicFile.WriteText(Path.Combine(folder, "report.json"), document.ToJsonString(Indented));
        if (samplesCsv is not null)
        {
            AtomicFile.WriteText(Path.Combine(folder, "samples.csv"), samplesCsv);
        }

        AtomicFile.WriteText(Path.Combine(folder, "report.md"), markdown);
    }

    /// <summary>Each run's report with its name added, for a report's <c>runs</c>.</summary>
    public static JsonArray Runs(IEnumerable<(string Name, JsonObject Report)> runs) =>
        new(runs.Select(r =>
        {
            var entry = r.Report.DeepClone().AsObject();
            entry["name"] = r.Name;
            return (JsonNode)entry;
        }).ToArray());
}

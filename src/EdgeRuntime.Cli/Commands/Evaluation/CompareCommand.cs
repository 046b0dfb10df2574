using System.CommandLine;
using System.Text.Json.Nodes;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval compare</c>: the seed papers' table from several reports: a row per run (model, class set,
/// method), a column per dataset, one metric in each cell, the best of each column in bold.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliOutput output)
    {
        var reports = new Argument<FileInfo[]>("reports") { Description = "report.json files of edgert eval runs, one or more per dataset.", Arity = ArgumentArity.OneOrMore };
        var metric = new Option<string>("--metric") { Description = "The metric in each cell (a key of the reports' metrics, such as weightedF1 or 'text→image R@10').", DefaultValueFactory = _ => "balancedAccuracy" };
        var outFile = new Option<FileInfo?>("--output", "-o") { Description = "Write the Markdown table to this file too." };
        var command = new Command("compare", "Put several eval reports side by side: rows are runs (model · class set · method), columns are datasets.") { reports, metric, outFile };
        command.SetAction(parse =>
        {
            try
            {
                var name = parse.GetValue(metric)!;
                var cells = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
                var datasets = new List<string>();
                foreach (var file in parse.GetValue(reports)!)
                {
                    var document = JsonNode.Parse(File.ReadAllText(file.FullName)) as JsonObject
                        ?? throw new InvalidDataException($"{file.FullName}: not an edgert eval report.");
                    var dataset = Path.GetFileName(document["dataset"]?["source"]?.GetValue<string>()?.TrimEnd('/') ?? file.Directory!.Name);
                    datasets.Add(dataset);
                    foreach (var run in document["runs"]?.AsArray() ?? throw new InvalidDataException($"{file.FullName}: no 'runs'."))
                    {
                        var row = run!["name"]!.GetValue<string>();
                        var value = run["metrics"]?[name] ?? throw new InvalidDataException($"{file.FullName}: run '{row}' has no metric '{name}' (it has {string.Join(", ", run["metrics"]!.AsObject().Select(m => m.Key))}).");
                        if (!cells.TryGetValue(row, out var columns))
                        {
                            cells[row] = columns = [];
                        }

                        columns[dataset] = value.DeepClone();
                    }
                }

                var table = $"# edgert eval compare: {name}\n\n" + MarkdownReport.Table($"{name} by dataset (best per column in bold)", cells.Select(c => (c.Key, c.Value)).ToList(), datasets.Distinct().ToList());
                if (parse.GetValue(outFile) is { } target)
                {
                    AtomicFile.WriteText(target.FullName, table);
                }

                output.Out.Write(table);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                output.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.InputError;
            }
        });
        return command;
    }
}

using System.CommandLine;
using EdgeRuntime.Foundation.Files;
using EdgeRuntime.Validation.Reports;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval compare</c>: the seed papers' table from several reports (<see cref="ReportComparison"/>),
/// printed and optionally written.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliOutput output)
    {
        var reports = new Argument<FileInfo[]>("reports") { Description = "report.json files of edgert eval runs, one or more per dataset.", Arity = ArgumentArity.OneOrMore };
        var metric = new Option<string>("--metric") { Description = "The metric in each cell (a key of the reports' metrics, such as weightedF1 or 'text→image R@10').", DefaultValueFactory = _ => "balancedAccuracy" };
        var outFile = new Option<FileInfo?>("--output", "-o") { Description = "Write the Markdown table to this file too." }.MustBeWritable("a Markdown table");
        var command = new Command("compare", "Put several eval reports side by side: rows are runs (model · class set · method), columns are datasets.") { reports, metric, outFile };
        command.SetAction(parse =>
        {
            try
            {
                var table = ReportComparison.Table(parse.GetValue(reports)!.Select(f => EvalOptions.Checked(f.FullName, "an eval report (report.json)", 64L << 20)).ToList(), parse.GetValue(metric)!);
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

using System.CommandLine;
using System.Globalization;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Evaluation.Cells;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Validation.Reports;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval cells</c>: predicted nucleus instances and classes against true ones (PanNuke, CoNIC or the folder
/// layout) by the field's metrics; parse, call <see cref="CellEvaluation"/>, write.
/// </summary>
internal static class CellsEval
{
    public static Command Create(CliOutput output)
    {
        var truth = new Argument<string>("truth") { Description = "The true masks: PanNuke's masks.npy, CoNIC's labels.npy, a folder holding either, or a folder of sample folders (instances.png|npy, classes.png|npy, classes.json at the root)." };
        var predictions = new Option<string[]>("--prediction", "-P") { Description = "NAME=PATH of predicted masks in any of those layouts, sample for sample as the truth; repeat to compare encoders or heads side by side.", Required = true };
        var radius = new Option<double>("--radius") { Description = "Centroid pairing radius in pixels: 12 at 40× (0.25 µm/px, PanNuke), 6 at 20× (0.5 µm/px, CoNIC), as HoVer-Net.", DefaultValueFactory = _ => CellEvaluation.DefaultRadius40x };
        var classes = new Option<string?>("--classes") { Description = "Class names, comma-separated (class k of the class masks is the k-th); overrides the layout's." };
        var outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for report.json, report.md and samples.csv.", Required = true }.MustBeWritableFolder("the report");
        var seed = new Option<int>("--seed") { Description = "Seeds the bootstrap.", DefaultValueFactory = _ => 0 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples over images for the 95 % intervals (0: none).", DefaultValueFactory = _ => Bootstrap.DefaultResamples };
        var command = new Command("cells", "Score predicted nuclei against true ones: detection precision, recall and F1 by centroid pairing, per-class F1, Dice, AJI, AJI+, DQ, SQ, bPQ, mPQ and mPQ+, with bootstrap intervals and a row per image.")
        {
            truth, predictions, radius, classes, outDir, seed, bootstrap,
        };
        command.SetAction((parse, ct) => output.GuardAsync(() =>
        {
            var runs = parse.GetValue(predictions)!.Select(ParsePrediction).ToList();
            if (runs.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != runs.Count)
            {
                throw new SettingsException(["--prediction: each run needs its own NAME."]);
            }

            var r = parse.GetValue(radius);
            if (!(r > 0) || double.IsInfinity(r))
            {
                throw new SettingsException([string.Create(CultureInfo.InvariantCulture, $"--radius must be a positive number of pixels (is {r}).")]);
            }

            var resamples = parse.GetValue(bootstrap);
            if (resamples is < 0 or 1)
            {
                throw new SettingsException([$"--bootstrap must be 0 or at least 2 (is {resamples})."]);
            }

            IReadOnlyList<string>? names = parse.GetValue(classes) is { } text
                ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : null;
            if (names is { Count: 0 })
            {
                throw new SettingsException(["--classes: expected class names separated by commas."]);
            }

            var (document, markdown, csv) = CellEvaluation.Run(parse.GetValue(truth)!, runs, r, names, parse.GetValue(seed), resamples, output.Error);
            ReportFolder.Write(parse.GetValue(outDir)!.FullName, document, markdown, csv);
            return Task.FromResult(EvalCommands.Print(output, new WrittenReport(markdown, Files: null)));
        }));
        return command;
    }

    private static (string Name, string Path) ParsePrediction(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals <= 0 || equals == text.Length - 1
            ? throw new SettingsException([$"--prediction '{text}': expected NAME=PATH, such as uni-hovernet=preds/masks.npy."])
            : (text[..equals], text[(equals + 1)..]);
    }
}

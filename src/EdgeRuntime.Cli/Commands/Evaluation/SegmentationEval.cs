using System.CommandLine;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Validation.Methods;
using EdgeRuntime.Validation.Reports;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval segmentation</c>: parse, run the zero-shot segmentation task on each image,mask pair
/// (<see cref="SegmentationValidation"/>), write the report and print it.
/// </summary>
internal static class SegmentationEval
{
    public static Command Create(CliOutput output)
    {
        var o = new EvalOptions();
        var palette = new Option<FileInfo>("--palette") { Description = "JSON: class name → [r, g, b] or grey level of the masks; other colours are not scored.", Required = true };
        var command = new Command("segmentation", "Run the zero-shot segmentation task on image,mask pairs (a CSV) and report Dice, precision and recall per class.") { palette };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output, requireTiles: false, pathColumn: "image");
            var pairs = SegmentationDataset.Load(o.DatasetOf(parse));
            var paletteFile = EvalOptions.Checked(parse.GetValue(palette)!.FullName, "a palette");
            var colours = MaskPalette.Load(paletteFile);
            var runs = await SegmentationValidation.RunAsync(run, pairs, colours, paletteFile, output.Error, ct);
            return EvalCommands.Print(output, SegmentationReportWriter.Write(run.Output, pairs, runs));
        }));
        return command;
    }
}

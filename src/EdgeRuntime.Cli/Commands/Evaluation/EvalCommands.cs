using System.CommandLine;
using System.Globalization;
using EdgeRuntime.Cli.Configuration;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.Validation.Methods;
using EdgeRuntime.Validation.Reports;

namespace EdgeRuntime.Cli.Commands.Evaluation;

/// <summary>
/// <c>edgert eval</c>: a model validated on a lab's own labelled tiles with the field's metrics, through the
/// production path (EdgeRuntime.Validation: every image embedded by the slide engine, classes scored by the tagging
/// task's own scorer). Each subcommand parses, calls its method and the report writer, and prints.
/// </summary>
internal static class EvalCommands
{
    public static Command Create(CliOutput output)
    {
        var eval = new Command("eval", "Validate a model on labelled data: zero-shot (tiles or whole slides), few-shot and linear-probe classification, retrieval (Recall@K), segmentation (Dice), and compare (reports side by side); scikit-learn's metrics with bootstrap intervals and a row per sample, in JSON, CSV, Markdown and PNG.");
        eval.Subcommands.Add(ZeroShot(output));
        eval.Subcommands.Add(FewShot(output));
        eval.Subcommands.Add(LinearProbeCommand(output));
        eval.Subcommands.Add(Retrieval(output));
        eval.Subcommands.Add(SegmentationEval.Create(output));
        eval.Subcommands.Add(CellsEval.Create(output));
        eval.Subcommands.Add(CompareCommand.Create(output));
        return eval;
    }

    private static Command ZeroShot(CliOutput output)
    {
        var o = new EvalOptions();
        var prompts = new Option<FileInfo[]>("--prompts", "-p") { Description = "Prompt set(s) to compare (repeat the option). Default: the tagging task's, else EdgeRuntime:ZeroShot:DefaultPromptSet." };
        var slides = new Option<bool>("--slides") { Description = "The dataset is whole slides (a CSV slide,label[,split]): tag each by MI-Zero top-K pooling, as the tagging task does, for every K of --top-k." };
        var topK = new Option<string>("--top-k") { Description = "With --slides: the K of top-K pooling, comma-separated; every K is reported, none is chosen on the test set.", DefaultValueFactory = _ => "1,5,10,50,100" };
        var command = new Command("zero-shot", "Classify every tile (or, with --slides, every slide) by its nearest class text (the tagging task's zero-shot scoring) and report the metrics.") { prompts, slides, topK };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var whole = parse.GetValue(slides);
            var run = o.Start(parse, output, pathColumn: whole ? "slide" : "path");
            IReadOnlyList<string?> promptFiles = parse.GetValue(prompts) is { Length: > 0 } p ? p.Select(f => (string?)f.FullName).ToArray() : [null];
            var runs = whole
                ? await ZeroShotValidation.SlidesAsync(run, promptFiles, ParseCounts(parse.GetValue(topK)!, "--top-k"), output.Error, ct)
                : await ZeroShotValidation.TilesAsync(run, promptFiles, ct);
            return Print(output, ClassificationReportWriter.Write(run, whole ? "zero-shot --slides" : "zero-shot", runs));
        }));
        return command;
    }

    private static Command FewShot(CliOutput output)
    {
        var o = new EvalOptions();
        var shots = new Option<string>("--shots") { Description = "Examples per class, comma-separated.", DefaultValueFactory = _ => "1,5,10" };
        var repeats = new Option<int>("--repeats") { Description = "Draws of the examples per shot count (different seeds); mean ± s.d. reported.", DefaultValueFactory = _ => 5 };
        var command = new Command("few-shot", "Classify by the nearest class prototype (normalised mean of K labelled examples per class, drawn from the training split) and report mean ± s.d. over repeats.") { shots, repeats };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output);
            var counts = ParseCounts(parse.GetValue(shots)!, "--shots");
            var repeatCount = parse.GetValue(repeats);
            if (repeatCount < 1)
            {
                throw new SettingsException([$"--repeats must be at least 1 (is {repeatCount})."]);
            }

            var runs = await FewShotValidation.RunAsync(run, counts, repeatCount, ct);
            return Print(output, ClassificationReportWriter.Write(run, "few-shot", runs));
        }));
        return command;
    }

    private static Command LinearProbeCommand(CliOutput output)
    {
        var o = new EvalOptions();
        var c = new Option<double>("--c") { Description = "Inverse L2 strength, as scikit-learn's LogisticRegression C.", DefaultValueFactory = _ => 1.0 };
        var command = new Command("linear-probe", "Fit multinomial logistic regression on the frozen embeddings of the training split and report the metrics on the test split.") { c };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output);
            var strength = parse.GetValue(c);
            if (!(strength > 0))
            {
                throw new SettingsException([$"--c must be positive (is {strength})."]);
            }

            var runs = await LinearProbeValidation.RunAsync(run, strength, ct);
            return Print(output, ClassificationReportWriter.Write(run, "linear-probe", runs));
        }));
        return command;
    }

    private static Command Retrieval(CliOutput output)
    {
        var o = new EvalOptions();
        var ks = new Option<string>("--ks") { Description = "The K of Recall@K, comma-separated.", DefaultValueFactory = _ => "1,5,10" };
        var command = new Command("retrieval", "Recall@K of retrieval: text → image and image → text on a CSV of image,caption pairs (with a label column or a folder of class folders, image → image by class too).") { ks };
        o.AddTo(command);
        command.SetAction((parse, ct) => output.GuardAsync(async () =>
        {
            var run = o.Start(parse, output, requireTiles: false);
            var kList = ParseCounts(parse.GetValue(ks)!, "--ks");
            if (run.Captions is { DuplicateCaptions: > 0 } repeated)
            {
                output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {repeated.Source}: {repeated.Captions.Count} captions but {repeated.Texts.Count} distinct; {RetrievalReport.CaptionRule}."));
            }

            var runs = await RetrievalValidation.RunAsync(run, kList, ct);
            return Print(output, RetrievalReportWriter.Write(run, runs));
        }));
        return command;
    }

    /// <summary>The report on standard output, and the line naming its files on standard error.</summary>
    internal static int Print(CliOutput output, WrittenReport report)
    {
        output.Out.Write(report.Markdown);
        if (report.Files is { } files)
        {
            output.Error.WriteLine(files);
        }

        return ExitCodes.Success;
    }

    internal static int[] ParseCounts(string text, string option)
    {
        var counts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
        return counts.Length == 0 || counts.Any(v => v < 1)
            ? throw new SettingsException([$"{option} '{text}': expected positive whole numbers separated by commas, such as 1,5,10."])
            : counts;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Evaluation.Reports;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>
/// What a classification report says about each sample and each class: a row per sample (worked by hand), the most
/// confident mistakes, the rows as CSV, and per-class bootstrap intervals against scikit-learn on the same resamples.
/// </summary>
public sealed class PerSampleReportTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // Five samples, three classes (one with a comma in its name, as CSV must quote). Predictions are each row's largest
    // score: a right (0.7), b wrong as tumour (0.6), c right (0.8), d wrong as "stroma, dense" (0.9), e wrong as fat (0.4).
    private static readonly string[] Classes = ["tumour", "stroma, dense", "fat"];
    private static readonly string[] Paths = ["a.png", "b.png", "c.png", "d.png", "e.png"];
    private static readonly int[] Truth = [0, 1, 2, 2, 0];
    private static readonly double[][] Scores = [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.05, 0.9, 0.05], [0.3, 0.3, 0.4]];

    [Fact]
    public void Every_sample_has_a_row_with_its_truth_prediction_and_scores()
    {
        var report = ClassificationReport.Of(Truth, Scores, Classes, seed: 1, resamples: 0, paths: Paths);
        var rows = report["perSample"]!.AsArray();
        Assert.Equal(5, rows.Count);
        Assert.Equal(["tumour", "tumour", "fat", "stroma, dense", "fat"], rows.Select(r => r!["prediction"]!.GetValue<string>()));
        Assert.Equal(["tumour", "stroma, dense", "fat", "fat", "tumour"], rows.Select(r => r!["truth"]!.GetValue<string>()));
        Assert.Equal([true, false, true, false, false], rows.Select(r => r!["correct"]!.GetValue<bool>()));
        Assert.Equal([0.7, 0.6, 0.8, 0.9, 0.4], rows.Select(r => r!["confidence"]!.GetValue<double>()));
        Assert.Equal(0.3, rows[1]!["scores"]!["stroma, dense"]!.GetValue<double>());
        Assert.Equal("d.png", rows[3]!["path"]!.GetValue<string>());

        // Most confident mistakes first: d (0.9), b (0.6), e (0.4); the right ones never.
        Assert.Equal(["d.png", "b.png", "e.png"], SampleRows.WorstMisclassified(rows, 16).Select(r => r["path"]!.GetValue<string>()));
        Assert.Equal(["d.png", "b.png"], SampleRows.WorstMisclassified(rows, 2).Select(r => r["path"]!.GetValue<string>()));
    }

    [Fact]
    public void The_rows_of_several_runs_make_one_csv_with_a_column_per_class_of_any_run()
    {
        var first = ClassificationReport.Of(Truth, Scores, Classes, seed: 1, resamples: 0, paths: Paths)["perSample"]!.AsArray();
        // A second run with another class set: its class "necrosis" gets a column, empty for the first run's rows.
        var second = ClassificationReport.Of([1], [[0.25, 0.75]], ["tumour", "necrosis"], seed: 1, resamples: 0, paths: ["f.png"])["perSample"]!.AsArray();
        var csv = SampleTable.Csv([("model A", first), ("model \"B\"", second)]);
        // Written out by hand: RFC 4180 quotes a field with a comma or a quote, and doubles the quote.
        const string Expected =
            "run,path,truth,prediction,correct,confidence,scores:tumour,\"scores:stroma, dense\",scores:fat,scores:necrosis\n"
            + "model A,a.png,tumour,tumour,true,0.7,0.7,0.2,0.1,\n"
            + "model A,b.png,\"stroma, dense\",tumour,false,0.6,0.6,0.3,0.1,\n"
            + "model A,c.png,fat,fat,true,0.8,0.1,0.1,0.8,\n"
            + "model A,d.png,fat,\"stroma, dense\",false,0.9,0.05,0.9,0.05,\n"
            + "model A,e.png,tumour,fat,false,0.4,0.3,0.3,0.4,\n"
            + "\"model \"\"B\"\"\",f.png,necrosis,necrosis,true,0.75,0.25,,,0.75\n";
        Assert.Equal(Expected, csv);
    }

    [Fact]
    public void Per_class_intervals_equal_scikit_learns_percentiles_over_the_same_resamples()
    {
        // scikit-learn's balanced four-class case (200 samples, 70 % right) from golden/sklearn_metrics.py.
        var golden = ScikitLearnGolden.Get["classification"]![0]!;
        var truth = ScikitLearnGolden.Ints(golden["truth"]);
        var predicted = ScikitLearnGolden.Ints(golden["predicted"]);
        var probabilities = predicted.Select(p => Enumerable.Range(0, 4).Select(c => c == p ? 0.7 : 0.1).ToArray()).ToList();
        const int Seed = 11, Resamples = 300;
        var report = ClassificationReport.Of(truth, probabilities, ["a", "b", "c", "d"], Seed, Resamples);

        var input = temp.File("case.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new { truth, predicted, classes = 4, resamples = Bootstrap.Resamples(truth.Length, Seed, Resamples).ToArray() }));
        var expected = JsonNode.Parse(ExternalTool.Run(ExternalTool.DebianPython, [Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Evaluation.Tests", "golden", "bootstrap_intervals.py"), input]))!;

        var perClass = report["perClass"]!.AsArray();
        foreach (var metric in new[] { "precision", "recall", "f1" })
        {
            for (var c = 0; c < 4; c++)
            {
                var ours = perClass[c]!["ci95"]![metric]!.AsArray();
                Near(expected[metric]![c]![0], ours[0], $"{metric} of class {c}, low");
                Near(expected[metric]![c]![1], ours[1], $"{metric} of class {c}, high");
            }
        }

        // The headline intervals come from the same resamples (one confusion matrix per resample serves them all).
        foreach (var metric in new[] { "accuracy", "balancedAccuracy", "macroF1" })
        {
            var ours = report["metrics"]![metric]!["ci95"]!.AsArray();
            Near(expected[metric]![0], ours[0], $"{metric}, low");
            Near(expected[metric]![1], ours[1], $"{metric}, high");
        }

        // Each class's interval holds its value and is not a point: 50 samples per class vary.
        Assert.All(perClass, p => Assert.InRange(p!["recall"]!.GetValue<double>(), p["ci95"]!["recall"]![0]!.GetValue<double>(), p["ci95"]!["recall"]![1]!.GetValue<double>()));
        Assert.All(perClass, p => Assert.True(p!["ci95"]!["f1"]![1]!.GetValue<double>() - p["ci95"]!["f1"]![0]!.GetValue<double>() > 0.05));
    }

    private static void Near(JsonNode? expected, JsonNode? actual, string what)
    {
        var (e, a) = (expected!.GetValue<double>(), actual!.GetValue<double>());
        Assert.True(Math.Abs(e - a) <= 1e-9, $"{what}: scikit-learn {e:R}, ours {a:R}");
    }
}

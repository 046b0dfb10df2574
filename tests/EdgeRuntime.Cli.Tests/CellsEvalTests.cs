using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Cli.Tests;

/// <summary>
/// `edgert eval cells` through the real CLI on CoNIC-layout arrays numpy writes: two predictions side by side (the
/// truth itself and the truth with every third nucleus removed), the report files, and refusals with exit codes.
/// </summary>
public sealed class CellsEvalTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Two_predictions_are_scored_side_by_side_with_intervals_and_a_row_per_image()
    {
        // 5 images of 10 discs each on a grid (none touching); the second prediction drops discs 0, 3, 6, 9.
        var counts = ExternalTool.Python(
            """
            import sys, os, numpy as np
            root = sys.argv[1]
            truth = np.zeros((5, 128, 128, 2), np.int32)
            yy, xx = np.mgrid[:128, :128]
            for n in range(5):
                for k in range(10):
                    cy, cx = 16 + 24 * (k // 5) + 40 * (n % 2), 14 + 24 * (k % 5)
                    disc = (yy - cy) ** 2 + (xx - cx) ** 2 <= 36
                    truth[n, disc, 0] = 5 + k
                    truth[n, disc, 1] = 1 + k % 3
            np.save(os.path.join(root, "labels.npy"), truth)
            dropped = truth.copy()
            for n in range(5):
                for k in (0, 3, 6, 9):
                    sel = dropped[n, ..., 0] == 5 + k
                    dropped[n, sel, :] = 0
            os.makedirs(os.path.join(root, "dropped"))
            np.save(os.path.join(root, "dropped", "labels.npy"), dropped)
            print(len(np.unique(truth[..., 0])) - 1)
            """,
            temp.Path);
        Assert.Equal("10", counts.Trim());

        var (code, stdout, error) = Edgert.Run("eval", "cells", temp.File("labels.npy"), "--prediction", $"self={temp.File("labels.npy")}",
            "-P", $"dropped={temp.File("dropped")}", "--radius", "6", "--bootstrap", "200", "-o", temp.File("report"));
        log.WriteLine(stdout + error);
        Assert.Equal(0, code);
        var report = JsonNode.Parse(File.ReadAllText(temp.File("report/report.json")))!;
        Assert.Equal("Conic", report["dataset"]!["layout"]!.GetValue<string>());
        var runs = report["runs"]!.AsArray();
        Assert.Equal(["self", "dropped"], runs.Select(r => r!["name"]!.GetValue<string>()));

        var self = runs[0]!["metrics"]!;
        Assert.Equal(1.0, self["detectionF1"]!["value"]!.GetValue<double>());
        Assert.Equal(1.0, self["aji"]!["value"]!.GetValue<double>(), 12);

        // 6 of 10 nuclei kept, all exact: recall 0.6, precision 1, F1 2·6 / (2·6 + 4) = 0.75; Dice 2·0.6 / 1.6.
        var dropped = runs[1]!["metrics"]!;
        Assert.Equal(0.6, dropped["recall"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(1.0, dropped["precision"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(0.75, dropped["detectionF1"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(0.75, dropped["dice"]!["value"]!.GetValue<double>(), 12);
        Assert.Equal(0.6, dropped["aji"]!["value"]!.GetValue<double>(), 12);
        Assert.NotNull(dropped["recall"]!["ci95"]);
        Assert.Equal(5, runs[1]!["perSample"]!.AsArray().Count);
        Assert.Contains("| dropped |", stdout);
        var csv = File.ReadAllLines(temp.File("report/samples.csv"));
        Assert.Equal(11, csv.Length); // header + 5 rows per run
        Assert.Contains("pq:neutrophil", csv[0]);
    }

    [Fact]
    public void A_prediction_of_another_size_or_a_bad_option_is_refused_with_its_exit_code()
    {
        ExternalTool.Python(
            """
            import sys, os, numpy as np
            np.save(os.path.join(sys.argv[1], "labels.npy"), np.zeros((3, 32, 32, 2), np.int32))
            os.makedirs(os.path.join(sys.argv[1], "two"))
            np.save(os.path.join(sys.argv[1], "two", "labels.npy"), np.zeros((2, 32, 32, 2), np.int32))
            os.makedirs(os.path.join(sys.argv[1], "wide"))
            np.save(os.path.join(sys.argv[1], "wide", "labels.npy"), np.zeros((3, 32, 48, 2), np.int32))
            """,
            temp.Path);
        var (code, _, error) = Edgert.Run("eval", "cells", temp.File("labels.npy"), "-P", $"a={temp.File("two")}", "-o", temp.File("out"));
        Assert.Equal(1, code);
        Assert.Contains("2 samples but the truth", error);
        Assert.Contains(Path.Combine(temp.Path, "two", "labels.npy"), error);

        (code, _, error) = Edgert.Run("eval", "cells", temp.File("labels.npy"), "-P", $"a={temp.File("wide")}", "-o", temp.File("out"));
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(temp.Path, "wide", "labels.npy"), error);
        Assert.Contains("sample '0': the prediction is 48x32 but the truth 32x32", error);

        (code, _, error) = Edgert.Run("eval", "cells", temp.File("labels.npy"), "-P", temp.File("two"), "-o", temp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("expected NAME=PATH", error);

        (code, _, error) = Edgert.Run("eval", "cells", temp.File("labels.npy"), "-P", $"a={temp.File("labels.npy")}", "--radius", "0", "-o", temp.File("out"));
        Assert.Equal(2, code);
        Assert.Contains("--radius", error);
    }
}

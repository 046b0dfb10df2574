using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Reports;
using Xunit;

namespace EdgeRuntime.Evaluation.Tests;

// Few-shot's mean ± s.d. over repeats (it was computed in the CLI's eval command).
public sealed class RepeatSummaryTests
{
    [Fact]
    public void Each_metric_gets_its_mean_and_sample_standard_deviation_over_the_repeats()
    {
        // 0.5 and 0.7: mean 0.6; sample s.d. √((0.01 + 0.01) / 1) = 0.14142136.
        var summary = RepeatSummary.Of([Report(0.5, 0.9), Report(0.7, 0.9)]);

        Assert.Equal(0.6, summary["accuracy"]!["mean"]!.GetValue<double>(), 9);
        Assert.Equal(0.14142136, summary["accuracy"]!["sd"]!.GetValue<double>(), 7);
        Assert.Equal([0.5, 0.7], summary["accuracy"]!["values"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal(0, summary["macroF1"]!["sd"]!.GetValue<double>());
    }

    [Fact]
    public void One_run_has_no_spread_and_no_run_is_refused()
    {
        Assert.Equal(0, RepeatSummary.Of([Report(0.5, 0.9)])["accuracy"]!["sd"]!.GetValue<double>());
        Assert.Throws<ArgumentException>(() => RepeatSummary.Of([]));
    }

    private static JsonObject Report(double accuracy, double macroF1) => new()
    {
        ["metrics"] = new JsonObject { ["accuracy"] = new JsonObject { ["value"] = accuracy }, ["macroF1"] = new JsonObject { ["value"] = macroF1 } },
    };
}

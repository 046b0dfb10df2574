using System.Text.Json.Nodes;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Evaluation.Tests;

/// <summary>The golden values of golden/sklearn_metrics.py: computed by scikit-learn at test time, once per run.</summary>
internal static class ScikitLearnGolden
{
    private static readonly Lazy<JsonNode> Document = new(() => JsonNode.Parse(ExternalTool.Run(
        ExternalTool.DebianPython, [Path.Combine(TestData.RepoRoot, "tests", "EdgeRuntime.Evaluation.Tests", "golden", "sklearn_metrics.py")]))!);

    public static JsonNode Get => Document.Value;

    public static int[] Ints(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    public static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
}

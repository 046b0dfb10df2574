using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Heads;

/// <summary>
/// A cell head reads the tokens of the encoder it was trained on and no other: another model, or the same model id with
/// other weights (another model.json hash), is refused at load with both encoders named. The refusal comes before any
/// ONNX graph is opened, so the head here is a manifest over a placeholder graph.
/// </summary>
public sealed class CellHeadBindingTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_head_is_refused_on_another_model()
    {
        using var virchow2 = Models.Load(FamilyTwins.Package("virchow2"));
        var head = WriteHead("uni", Sha(Path.Combine(FamilyTwins.Package("uni"), "model.json")));
        var e = Assert.Throws<CellHeadException>(() => CellHead.Load(head, virchow2, Models.CpuOptions, NullLogger.Instance));
        Assert.Contains("encoder: trained on model 'uni' 1.0.0", e.Message);
        Assert.Contains("but the model is 'virchow2' 1.0.0", e.Message);
    }

    [Fact]
    public void A_head_is_refused_on_the_same_model_id_with_other_weights()
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        var head = WriteHead("uni", new string('0', 64));
        var e = Assert.Throws<CellHeadException>(() => CellHead.Load(head, uni, Models.CpuOptions, NullLogger.Instance));
        Assert.Contains("model.json sha256 000000000000", e.Message);
        Assert.Contains($"but the model is 'uni' 1.0.0 (sha256 {Sha(Path.Combine(FamilyTwins.Package("uni"), "model.json"))[..12]}", e.Message);
    }

    [Fact]
    public void A_head_on_a_depth_the_model_does_not_give_is_refused_naming_the_depths_it_does()
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        var head = WriteHead("uni", Sha(Path.Combine(FamilyTwins.Package("uni"), "model.json")), depth: 7);
        var e = Assert.Throws<CellHeadException>(() => CellHead.Load(head, uni, Models.CpuOptions, NullLogger.Instance));
        Assert.Contains("inputs.tokens: depth 7 is not among the model's dense outputs (1)", e.Message);
    }

    [Fact]
    public void A_negative_class_split_area_is_refused_naming_the_field()
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        var head = WriteHead("uni", Sha(Path.Combine(FamilyTwins.Package("uni"), "model.json")), classSplitArea: -5);
        var e = Assert.Throws<CellHeadException>(() => CellHead.Load(head, uni, Models.CpuOptions, NullLogger.Instance));
        Assert.Contains("postProcessing.classSplitArea: -5 is negative", e.Message);
    }

    [Fact]
    public void A_head_without_a_class_split_area_passes_its_checks_as_before()
    {
        // Heads written before the field: nothing about postProcessing is refused; what stops this one is its graph.
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        var head = WriteHead("uni", Sha(Path.Combine(FamilyTwins.Package("uni"), "model.json")));
        var e = Assert.ThrowsAny<Exception>(() => CellHead.Load(head, uni, Models.CpuOptions, NullLogger.Instance));
        Assert.DoesNotContain("postProcessing", e.Message, StringComparison.Ordinal);
        Assert.Contains("head.onnx", e.Message, StringComparison.Ordinal);
    }

    private string WriteHead(string encoderId, string encoderSha, int depth = 1, int? classSplitArea = null)
    {
        var folder = temp.File($"head-{encoderId}-{encoderSha[..4]}-{depth}-{classSplitArea}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "head.onnx"), "not a graph");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["kind"] = "cell-head",
            ["id"] = "test-head",
            ["version"] = "1.0.0",
            ["name"] = "test",
            ["encoder"] = new JsonObject { ["id"] = encoderId, ["version"] = "1.0.0", ["sha256"] = encoderSha },
            ["file"] = "head.onnx",
            ["inputs"] = new JsonObject { ["tokens"] = new JsonArray(new JsonObject { ["input"] = "tokens_depth_1", ["depth"] = depth }), ["pixels"] = "pixels" },
            ["outputs"] = new JsonObject { ["nucleus"] = "nucleus", ["distance"] = "distance", ["classes"] = "classes" },
            ["classes"] = new JsonArray(new JsonObject { ["name"] = "tumour", ["colour"] = "#d62728" }),
            ["postProcessing"] = new JsonObject { ["foregroundThreshold"] = 0.5, ["markerDistance"] = 0.45, ["minimumArea"] = 10 },
            ["files"] = new JsonObject { ["head.onnx"] = Sha(Path.Combine(folder, "head.onnx")) },
        };
        if (classSplitArea is { } split)
        {
            manifest["postProcessing"]!["classSplitArea"] = split;
        }

        File.WriteAllText(Path.Combine(folder, "head.json"), manifest.ToJsonString());
        return folder;
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}

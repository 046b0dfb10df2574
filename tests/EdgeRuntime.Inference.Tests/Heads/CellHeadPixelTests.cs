using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Heads;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Heads;

/// <summary>
/// The pixels a head takes are fed as its manifest says: a head that declares <c>inputs.pixelNormalisation</c> gets
/// (value / 255 − mean) / std per channel, one without it (heads written before the field) RGB in 0…1. The head here
/// is a real ONNX graph (made with torch) whose outputs are its pixel input's channels, so the maps show exactly what
/// it was fed.
/// </summary>
public sealed class CellHeadPixelTests : IDisposable
{
    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_head_that_declares_a_normalisation_gets_its_pixels_normalised_so()
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        using var head = CellHead.Load(WriteEchoHead(uni, normalised: true), uni, Models.CpuOptions, NullLogger.Instance);
        var (batch, rgb) = Batch(uni);
        var (nucleus, distance, classes) = head.Run(batch, 1, 1);
        var n = head.TileSize * head.TileSize;
        foreach (var p in new[] { 0, 1, 777, n - 1 })
        {
            for (var c = 0; c < 3; c++)
            {
                var expected = ((rgb[(n * 3) + (3 * p) + c] / 255.0) - Mean[c]) / Std[c];
                Assert.Equal(expected, classes[(c * n) + p], 4);
            }

            Assert.Equal(((rgb[(n * 3) + (3 * p)] / 255.0) - Mean[0]) / Std[0], nucleus[p], 4);
            Assert.Equal(((rgb[(n * 3) + (3 * p) + 1] / 255.0) - Mean[1]) / Std[1], distance[p], 4);
        }
    }

    [Fact]
    public void A_head_without_a_normalisation_still_loads_and_gets_rgb_in_0_to_1()
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        using var head = CellHead.Load(WriteEchoHead(uni, normalised: false), uni, Models.CpuOptions, NullLogger.Instance);
        Assert.Null(head.Manifest.Inputs.PixelNormalisation);
        var (batch, rgb) = Batch(uni);
        var (_, _, classes) = head.Run(batch, 0, 2);
        var n = head.TileSize * head.TileSize;
        foreach (var (t, p) in new[] { (0, 0), (0, 4321), (1, 5), (1, n - 1) })
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(rgb[(t * n * 3) + (3 * p) + c] / 255.0, classes[(t * 3 * n) + (c * n) + p], 5);
            }
        }
    }

    [Theory]
    [InlineData("{\"mean\":[0.5,0.5],\"std\":[0.2,0.2,0.2]}", "inputs.pixelNormalisation: mean and std are three values each (R, G, B); got 2 and 3.")]
    [InlineData("{\"mean\":[0.5,0.5,0.5],\"std\":[0.2,0,0.2]}", "inputs.pixelNormalisation: each std is a number above 0")]
    [InlineData("{\"mean\":[0.5,0.5,0.5],\"std\":[0.2,0.2,0.2],\"scale\":1}", "head.json: ")]
    public void A_bad_normalisation_is_refused_naming_the_key(string normalisation, string expected)
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        var folder = WriteEchoHead(uni, normalised: true, edit: inputs => inputs["pixelNormalisation"] = JsonNode.Parse(normalisation));
        var e = Assert.Throws<CellHeadException>(() => CellHead.Load(folder, uni, Models.CpuOptions, NullLogger.Instance));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_normalisation_without_a_pixel_input_is_refused()
    {
        using var uni = Models.Load(FamilyTwins.Package("uni"));
        var folder = WriteEchoHead(uni, normalised: true, edit: inputs => inputs.Remove("pixels"));
        var e = Assert.Throws<CellHeadException>(() => CellHead.Load(folder, uni, Models.CpuOptions, NullLogger.Instance));
        Assert.Contains("inputs.pixelNormalisation: given, but inputs.pixels names no input to normalise.", e.Message);
    }

    // Two tiles of noise and the uni twin's dense tokens (zeros: the echo head ignores them).
    private static (EmbeddingBatch Batch, byte[] Rgb) Batch(ModelPackage uni)
    {
        var size = uni.Manifest.Tiling.TileSize;
        var tokens = uni.Manifest.ImageEncoder.Tokens!;
        var rgb = new byte[2 * size * size * 3];
        new Random(5).NextBytes(rgb);
        TileRef[] tiles = [new TileRef(0, 0, 0, new TileBox(0, 0, size, size), 1), new TileRef(1, 1, 0, new TileBox(size, 0, size, size), 1)];
        var perTile = ((tokens.GridSize * tokens.GridSize) + 1) * tokens.Width;
        var dense = new DenseTokens(1, 2, 1, 0, tokens.GridSize, tokens.Width, new float[2 * perTile]);
        return (new EmbeddingBatch("s", tiles, 1, new float[2]) { Dense = [dense], Pixels = new TileBatch("s", tiles, size, rgb) }, rgb);
    }

    private string WriteEchoHead(ModelPackage uni, bool normalised, Action<JsonObject>? edit = null)
    {
        var folder = temp.File($"echo-{normalised}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var tokens = uni.Manifest.ImageEncoder.Tokens!;
        ExternalTool.Python(
            """
            import sys, torch
            class Echo(torch.nn.Module):
                def forward(self, tokens, pixels):
                    zero = tokens.sum() * 0
                    return pixels[:, 0] + zero, pixels[:, 1] + zero, pixels + zero
            n, width, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            torch.onnx.export(Echo(), (torch.zeros(1, n, width), torch.zeros(1, 3, 224, 224)), out,
                              input_names=["tokens_depth_1", "pixels"], output_names=["nucleus", "distance", "classes"],
                              dynamic_axes={k: {0: "batch"} for k in ["tokens_depth_1", "pixels", "nucleus", "distance", "classes"]}, opset_version=17)
            """,
            ((tokens.GridSize * tokens.GridSize) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            tokens.Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Path.Combine(folder, "head.onnx"));
        var inputs = new JsonObject { ["tokens"] = new JsonArray(new JsonObject { ["input"] = "tokens_depth_1", ["depth"] = 1 }), ["pixels"] = "pixels" };
        if (normalised)
        {
            inputs["pixelNormalisation"] = new JsonObject { ["mean"] = new JsonArray([.. Mean.Select(v => (JsonNode)v)]), ["std"] = new JsonArray([.. Std.Select(v => (JsonNode)v)]) };
        }

        edit?.Invoke(inputs);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["kind"] = "cell-head",
            ["id"] = "echo-head",
            ["version"] = "1.0.0",
            ["name"] = "echoes its pixels",
            ["encoder"] = new JsonObject { ["id"] = "uni", ["version"] = "1.0.0", ["sha256"] = uni.Identity.Sha256 },
            ["file"] = "head.onnx",
            ["inputs"] = inputs,
            ["outputs"] = new JsonObject { ["nucleus"] = "nucleus", ["distance"] = "distance", ["classes"] = "classes" },
            ["classes"] = new JsonArray(
                new JsonObject { ["name"] = "r", ["colour"] = "#ff0000" },
                new JsonObject { ["name"] = "g", ["colour"] = "#00ff00" },
                new JsonObject { ["name"] = "b", ["colour"] = "#0000ff" }),
            ["postProcessing"] = new JsonObject { ["foregroundThreshold"] = 0.5, ["markerDistance"] = 0.45, ["minimumArea"] = 10 },
            ["files"] = new JsonObject { ["head.onnx"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "head.onnx")))) },
        };
        File.WriteAllText(Path.Combine(folder, "head.json"), manifest.ToJsonString());
        return folder;
    }
}

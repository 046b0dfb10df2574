using System.Text.Json.Nodes;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Precision;
using EdgeRuntime.TestSupport;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Precision;

// Real reference packages, real tools/quantize-model.py (Debian's python3-onnx), real slides for the gate's tiles.
public sealed class Int8GateTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RecordingLogger logger = new();

    public void Dispose() => temp.Dispose();

    private string Cache => temp.File("int8");

    private static InferenceOptions Options(string precision, double bound = 0.99, int tiles = 8) => new()
    {
        ExecutionProviders = ["CPU"],
        IntraOpThreads = 2,
        Precision = precision,
        Int8CosineBound = bound,
        Int8GateTiles = tiles,
        Int8GateSlides = [TestData.Slide("CMU-1-Small-Region.svs")],
    };

    private static float[] Encode(ModelPackage package, byte[] rgb)
    {
        using var encoder = new OnnxImageEncoder(package, 1);
        return encoder.EncodeImage(rgb, 224, 224);
    }

    private static byte[] Tile()
    {
        var (tiles, _) = GateTiles.Read([TestData.Slide("CMU-1-Small-Region.svs")], 224, 1);
        return tiles[0];
    }

    private IEnumerable<string> Messages(LogLevel level) => logger.Entries.Where(e => e.Level == level).Select(e => e.Message);

    [Fact]
    public async Task Gate_passes_on_the_reference_model_and_the_encoder_then_runs_the_int8_copy()
    {
        var directory = ReferenceModels.Package(ReferenceModels.ClipVitB32);
        var tile = Tile();
        using var plain = Models.Load(directory);
        var floatEmbedding = Encode(plain, tile);

        using var package = Models.Load(directory);
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy), Cache, logger, CancellationToken.None);

        var store = new Int8Store(Cache, package);
        Assert.Equal(ImagePrecision.Int8Name, package.Precision.Name);
        Assert.Equal(PackageFiles.Sha256(store.Graph), package.Precision.Int8Sha256);
        var gate = JsonNode.Parse(File.ReadAllText(store.GateFile))!;
        Assert.True(gate["passed"]!.GetValue<bool>());
        Assert.Equal(8, gate["tiles"]!.GetValue<int>());
        Assert.InRange(gate["cosineMin"]!.GetValue<double>(), 0.99, 1.0);
        Assert.Equal(PackageFiles.Sha256(store.GateFile), File.ReadAllText(store.GateFile + ".sha256").Trim());
        Assert.Contains(Messages(LogLevel.Information), m => m.Contains("runs int8", StringComparison.Ordinal) && m.Contains("8 tiles", StringComparison.Ordinal));

        // The session in use is the int8 one: close to float, not float's bits.
        var int8Embedding = Encode(package, tile);
        Assert.NotEqual(floatEmbedding, int8Embedding);
        Assert.InRange(Models.Cosine(int8Embedding, [.. floatEmbedding.Select(v => (double)v)]), 0.99, 1.0);

        // The next activation adopts the kept, judged copy without building or judging again.
        var built = File.GetLastWriteTimeUtc(store.Graph);
        using var next = Models.Load(directory);
        await await Int8Selection.ApplyAsync(next, Options(PrecisionMode.Auto), Cache, logger, CancellationToken.None);
        Assert.Equal(ImagePrecision.Int8Name, next.Precision.Name);
        Assert.Equal(built, File.GetLastWriteTimeUtc(store.Graph));
    }

    [Fact]
    public async Task With_no_slide_to_judge_on_yet_nothing_is_quantised_and_float_is_kept()
    {
        // A new box: the done folder the gate reads by default is still empty. Quantising now would be wasted (and
        // repeated at every activation); the model runs float and the copy waits for the site's first slides.
        var directory = ReferenceModels.Package(ReferenceModels.ClipVitB32);
        var empty = Directory.CreateDirectory(temp.File("done")).FullName;
        using var package = Models.Load(directory);
        var options = Options(PrecisionMode.Auto);
        options.Int8GateSlides = [empty];
        await await Int8Selection.ApplyAsync(package, options, Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name); // the package's own graph (docs/result.schema.json)
        Assert.False(File.Exists(new Int8Store(Cache, package).Graph));
        Assert.Contains(Messages(LogLevel.Information), m => m.Contains("no slides to gate an int8 copy on yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bound_no_copy_can_reach_keeps_float_and_says_why()
    {
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy, bound: 0.99999999), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        Assert.Null(package.Precision.Int8Sha256);
        var warning = Assert.Single(Messages(LogLevel.Warning));
        Assert.Contains("keeps float", warning, StringComparison.Ordinal);
        Assert.Contains("below the bound 0.99999999", warning, StringComparison.Ordinal);
        var gate = JsonNode.Parse(File.ReadAllText(new Int8Store(Cache, package).GateFile))!;
        Assert.False(gate["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_damaged_int8_copy_fails_its_gate_and_float_is_kept()
    {
        var directory = ReferenceModels.Package(ReferenceModels.Tiny);
        using var package = Models.Load(directory);
        var store = new Int8Store(Cache, package);
        Directory.CreateDirectory(store.Folder);
        ExternalTool.Run(ExternalTool.DebianPython, [Path.Combine(TestData.RepoRoot, "tools", "quantize-model.py"), directory, "--graph-out", store.Graph]);
        Damage(store.Graph);

        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        Assert.Contains(Messages(LogLevel.Warning), m => m.Contains("keeps float", StringComparison.Ordinal) && m.Contains("below the bound 0.99", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_copy_changed_after_its_gate_passed_is_judged_again_and_refused()
    {
        var directory = ReferenceModels.Package(ReferenceModels.Tiny);
        using (var first = Models.Load(directory))
        {
            await await Int8Selection.ApplyAsync(first, Options(PrecisionMode.Int8Copy), Cache, logger, CancellationToken.None);
            Assert.Equal(ImagePrecision.Int8Name, first.Precision.Name);
        }

        using var package = Models.Load(directory);
        Damage(new Int8Store(Cache, package).Graph);
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
    }

    [Fact]
    public async Task Auto_builds_in_the_background_and_the_next_activation_adopts_the_copy()
    {
        var directory = ReferenceModels.Package(ReferenceModels.Tiny);
        using var package = Models.Load(directory);
        var build = await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Auto), Cache, logger, CancellationToken.None);
        Assert.Equal("float32", package.Precision.Name); // this activation runs float while the copy is made
        await build;

        using var next = Models.Load(directory);
        await await Int8Selection.ApplyAsync(next, Options(PrecisionMode.Auto), Cache, logger, CancellationToken.None);
        Assert.Equal(ImagePrecision.Int8Name, next.Precision.Name);
    }

    [Fact]
    public async Task Precision_float_never_quantises()
    {
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.FloatGraph), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        Assert.False(Directory.Exists(Cache));
    }

    // Only the provider check is faked: this machine has no GPU, so the test says the image tower runs on CUDA.
    [Theory]
    [InlineData("CUDA")]
    [InlineData("TensorRT")]
    public async Task A_gpu_provider_keeps_float(string provider)
    {
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        await await Int8Selection.ApplyAsync(package, provider, Options(PrecisionMode.Int8Copy), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        Assert.False(Directory.Exists(Cache));
        Assert.Contains(Messages(LogLevel.Information), m => m.Contains($"runs on the {provider} provider", StringComparison.Ordinal));
    }

    [Fact]
    public void Precision_options_are_validated_with_their_configuration_paths()
    {
        var errors = new InferenceOptions { Precision = "fast", Int8CosineBound = 1.5, Int8GateTiles = 0, Int8GateSlides = [" "] }.Validate().ToList();

        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Precision 'fast'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8CosineBound", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8GateTiles", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8GateSlides:0", StringComparison.Ordinal));
    }

    // Flips the sign of every int8 weight matrix and scales it 50 times: a copy that runs, with embeddings far from
    // float's (a sign flip alone can cancel out: q and k together, v and the output projection together).
    private static void Damage(string graph) => ExternalTool.Python(
        "import sys, onnx; from onnx import numpy_helper as h\n" +
        "m = onnx.load(sys.argv[1])\n" +
        "for i, t in enumerate(m.graph.initializer):\n" +
        "    if t.name.endswith('_Wq'): m.graph.initializer[i].CopyFrom(h.from_array(-h.to_array(t), t.name))\n" +
        "    if t.name.endswith('_Wscale'): m.graph.initializer[i].CopyFrom(h.from_array(h.to_array(t) * 50, t.name))\n" +
        "onnx.save(m, sys.argv[1])",
        graph);
}

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

    // No speed condition unless a test sets one: whether int8 is faster than float depends on the model and the
    // machine (the tiny models' copies can be slower), and tests never depend on a machine's speed.
    private static InferenceOptions Options(string precision, double bound = 0.99, int tiles = 8, double minSpeedup = 0, string labelled = "") => new()
    {
        ExecutionProviders = ["CPU"],
        IntraOpThreads = 2,
        Precision = precision,
        Int8CosineBound = bound,
        Int8GateTiles = tiles,
        Int8GateSlides = [TestData.Slide("CMU-1-Small-Region.svs")],
        Int8MinSpeedup = minSpeedup,
        Int8LabelledSet = labelled,
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
        // The speed-up was measured and kept, whatever it is on this machine.
        Assert.True(gate["speedUp"]!.GetValue<double>() > 0);
        Assert.Equal(0, gate["minSpeedUp"]!.GetValue<double>());
        Assert.Null(gate["labelled"]);
        Assert.Contains(Messages(LogLevel.Information), m => m.Contains("runs int8", StringComparison.Ordinal) && m.Contains("8 tiles", StringComparison.Ordinal) && m.Contains("times as fast as float (minimum 0)", StringComparison.Ordinal));

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
    public async Task A_copy_not_fast_enough_keeps_float_and_says_why_with_the_measured_speed_up()
    {
        // A minimum no copy can reach: the gate times both encoders on its tiles and refuses the copy on speed alone
        // (its cosines pass), as it would a copy slower than float (kep-twin's ran at 0.54 of float).
        var directory = ReferenceModels.Package(ReferenceModels.Tiny);
        using var package = Models.Load(directory);
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy, minSpeedup: 1000), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        var gate = JsonNode.Parse(File.ReadAllText(new Int8Store(Cache, package).GateFile))!;
        Assert.False(gate["passed"]!.GetValue<bool>());
        Assert.InRange(gate["cosineMin"]!.GetValue<double>(), 0.99, 1.0);
        var speedUp = gate["speedUp"]!.GetValue<double>();
        Assert.InRange(speedUp, 1e-3, 999);
        Assert.Equal(1000, gate["minSpeedUp"]!.GetValue<double>());
        var warning = Assert.Single(Messages(LogLevel.Warning));
        Assert.Contains("keeps float", warning, StringComparison.Ordinal);
        Assert.Contains("below the minimum speed-up 1000 (EdgeRuntime:Inference:Int8MinSpeedup)", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("below the bound", warning, StringComparison.Ordinal);

        // The kept gate stands for its own minimum only: at 0 the same copy is judged again and adopted.
        using var next = Models.Load(directory);
        await await Int8Selection.ApplyAsync(next, Options(PrecisionMode.Int8Copy, minSpeedup: 0), Cache, logger, CancellationToken.None);
        Assert.Equal(ImagePrecision.Int8Name, next.Precision.Name);
    }

    [Fact]
    public async Task A_labelled_set_is_classified_with_both_encoders_and_int8_within_floats_interval_is_adopted()
    {
        // The tiny reference model (its int8 copy is made by the quantiser; the texture model's graph has no MatMul to
        // quantise) on 6 held-out texture crops per class, in class folders as `edgert eval` reads them.
        var crops = TestModel.HeldOut(temp.File("labelled"), 6);
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy, labelled: crops), Cache, logger, CancellationToken.None);

        Assert.Equal(ImagePrecision.Int8Name, package.Precision.Name);
        var labelled = JsonNode.Parse(File.ReadAllText(new Int8Store(Cache, package).GateFile))!["labelled"]!;
        Assert.Equal(crops, labelled["set"]!.GetValue<string>());
        Assert.Equal(24, labelled["images"]!.GetValue<int>());
        var (low, high) = (labelled["floatInterval"]![0]!.GetValue<double>(), labelled["floatInterval"]![1]!.GetValue<double>());
        var floatAccuracy = labelled["floatAccuracy"]!.GetValue<double>();
        // Brick, grass, gravel and an IHC field are far apart even in a random-weight encoder's features: the
        // few-shot classification is real (well above chance, 0.25), so the interval says something.
        Assert.InRange(floatAccuracy, 0.5, 1.0);
        Assert.InRange(floatAccuracy, low, high);
        Assert.InRange(labelled["int8Accuracy"]!.GetValue<double>(), low, high);
        Assert.True(labelled["passed"]!.GetValue<bool>());
        Assert.Contains(Messages(LogLevel.Information), m => m.Contains("runs int8", StringComparison.Ordinal) && m.Contains("labelled set " + crops + " (24 images)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_copy_whose_labelled_accuracy_falls_outside_floats_interval_keeps_float_and_says_why()
    {
        // A damaged int8 copy: its few-shot accuracy on the labelled set drops out of float's interval (its cosines fail
        // too; the gate names every condition that failed).
        var crops = TestModel.HeldOut(temp.File("labelled"), 6);
        var directory = ReferenceModels.Package(ReferenceModels.Tiny);
        using var package = Models.Load(directory);
        var store = new Int8Store(Cache, package);
        Directory.CreateDirectory(store.Folder);
        ExternalTool.Run(ExternalTool.DebianPython, [Path.Combine(TestData.RepoRoot, "tools", "quantize-model.py"), directory, "--graph-out", store.Graph]);
        Damage(store.Graph);

        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy, labelled: crops), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        var labelled = JsonNode.Parse(File.ReadAllText(store.GateFile))!["labelled"]!;
        Assert.False(labelled["passed"]!.GetValue<bool>());
        Assert.True(labelled["int8Accuracy"]!.GetValue<double>() < labelled["floatInterval"]![0]!.GetValue<double>());
        Assert.Contains(Messages(LogLevel.Warning), m => m.Contains("keeps float", StringComparison.Ordinal) && m.Contains("few-shot accuracy on the labelled set", StringComparison.Ordinal) && m.Contains("is outside float's 95", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_labelled_set_the_gate_cannot_use_keeps_float_and_names_it()
    {
        var crops = TestModel.HeldOut(temp.File("labelled"), 2);
        var lone = Directory.GetFiles(Path.Combine(crops, "brick"))[0];
        File.Delete(lone);
        using var package = Models.Load(ReferenceModels.Package(ReferenceModels.Tiny));
        await await Int8Selection.ApplyAsync(package, Options(PrecisionMode.Int8Copy, labelled: crops), Cache, logger, CancellationToken.None);

        Assert.Equal("float32", package.Precision.Name);
        Assert.Contains(Messages(LogLevel.Warning), m => m.Contains("the labelled set could not be used", StringComparison.Ordinal) && m.Contains("class 'brick' has fewer than 2 images", StringComparison.Ordinal) && m.Contains("Int8LabelledSet", StringComparison.Ordinal));
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
        var errors = new InferenceOptions { Precision = "fast", Int8CosineBound = 1.5, Int8GateTiles = 0, Int8GateSlides = [" "], Int8MinSpeedup = -1, Int8LabelledSet = " " }.Validate().ToList();

        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Precision 'fast'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8CosineBound", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8GateTiles", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8GateSlides:0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8MinSpeedup must be 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeRuntime:Inference:Int8LabelledSet", StringComparison.Ordinal));
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

using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Packages;

// tools/quantize-model.py: the int8 copy of a package is a package the runtime loads like any other, its weight
// matrices are int8 (counted by python3-onnx, not by us), and its embeddings stay within cosine 0.99 of the float
// model's, which ReferenceParityTests holds to PyTorch, on crops of a real IHC image.
public sealed class QuantizedPackageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static string QuantizeTool => Path.Combine(TestData.RepoRoot, "tools", "quantize-model.py");

    [Fact]
    public void The_int8_copy_loads_as_a_new_version_and_its_embeddings_keep_cosine_099()
    {
        var source = ReferenceModels.Package(ReferenceModels.Tiny);
        var output = temp.File("tiny-int8");
        // The tiny model's matrices are small; all of them are quantised here (the default leaves those under 4,096 values).
        ExternalTool.Run(ExternalTool.DebianPython, [QuantizeTool, source, output, "--min-elements", "0"]);

        // Counted by python3-onnx: quantised products, float weight matrices left, quantised products that add their
        // bias themselves, and Adds of a constant bias still applied to a quantised product in a separate pass.
        var ops = ExternalTool.Python(
            "import sys, onnx; m = onnx.load(sys.argv[1]); w = {i.name for i in m.graph.initializer}; "
            + "ids = {n.output[0]: n.input[0] for n in m.graph.node if n.op_type == 'Identity'}; "
            + "q = {n.output[0] for n in m.graph.node if n.op_type == 'DynamicQuantizeMatMul'}; "
            + "print(len(q), sum(n.op_type == 'MatMul' and n.input[1] in w for n in m.graph.node), "
            + "sum(n.op_type == 'DynamicQuantizeMatMul' and len(n.input) == 5 and n.input[4] != '' for n in m.graph.node), "
            + "sum(n.op_type == 'Add' and any(i in q for i in n.input) and any(ids.get(i, i) in w for i in n.input) for n in m.graph.node))",
            Path.Combine(output, "image_encoder.onnx")).Split(' ', StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        Assert.True(ops[0] > 0, "no DynamicQuantizeMatMul in the int8 image encoder");
        Assert.Equal(0, ops[1]); // no float weight matrix left
        // The tiny model's linear layers have biases (8 of its 9 matrices): each is fused into its product.
        Assert.True(ops[2] > 0, "no quantised product takes its bias as an input");
        Assert.Equal(0, ops[3]);

        using var original = Models.Load(source);
        using var quantised = Models.Load(output);
        Assert.Equal(original.Manifest.Id, quantised.Manifest.Id);
        Assert.Equal("1.0.0-int8", quantised.Manifest.Version);
        Assert.NotEqual(original.Identity.Sha256, quantised.Identity.Sha256);

        using var floatEncoder = new OnnxImageEncoder(original, maxBatch: 1);
        using var int8Encoder = new OnnxImageEncoder(quantised, maxBatch: 1);
        using var image = new SlideOpener(new SlideReadingOptions()).Open(TestData.Image("ihc.png"));
        var rgb = new byte[224 * 224 * 3];
        foreach (var (x, y) in new[] { (0, 0), (288, 0), (0, 288), (288, 288), (144, 144) })
        {
            image.ReadRegion(0, x, y, 224, 224, rgb);
            var expected = floatEncoder.EncodeImage(rgb, 224, 224);
            var cosine = Models.Cosine(int8Encoder.EncodeImage(rgb, 224, 224), expected.Select(v => (double)v).ToArray());
            Assert.True(cosine >= 0.99, $"crop at ({x}, {y}): cosine {cosine:F4} between the int8 and float embeddings");
        }
    }

    [Fact]
    public void A_version_that_exists_is_never_overwritten_and_the_refusal_names_the_folder()
    {
        var source = ReferenceModels.Package(ReferenceModels.Tiny);
        var output = temp.File("exists");
        Directory.CreateDirectory(output);
        var error = Assert.Throws<InvalidOperationException>(() => ExternalTool.Run(ExternalTool.DebianPython, [QuantizeTool, source, output]));
        Assert.Contains($"{output}: already exists", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }
}

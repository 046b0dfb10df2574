using System.Text.Json.Nodes;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Packages;

// Format 2 (docs/model-package-format-2.md) on real imported twins: what loads, what is refused and how it is said.
public sealed class Format2PackageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string CopyOf(string family) => PackageCopies.Copy(FamilyTwins.Package(family), temp.File(family));

    private static void EditManifest(string package, Action<JsonObject> edit) => PackageCopies.EditManifest(package, edit);

    private static ModelPackageException Refused(string package) =>
        Assert.Throws<ModelPackageException>(() => Models.Load(package).Dispose());

    [Fact]
    public async Task One_run_gives_the_composed_embedding_and_the_dense_depths_tokens()
    {
        using var package = Models.Load(FamilyTwins.Package("virchow2"));
        var tokens = package.Manifest.ImageEncoder.Tokens!;
        var dense = Assert.Single(package.Manifest.ImageEncoder.Dense!);
        using var encoder = new OnnxImageEncoder(package, maxBatch: 2);
        var size = package.Manifest.Tiling.TileSize;
        var pixels = new byte[2 * size * size * 3];
        new Random(5).NextBytes(pixels);
        var batch = new TileBatch("s", [new TileRef(0, 0, 0, new TileBox(0, 0, size, size), 1), new TileRef(1, 1, 0, new TileBox(size, 0, size, size), 1)], size, pixels);

        var result = await encoder.EncodeAsync(batch, CancellationToken.None);

        Assert.Equal(2 * tokens.Width, result.Dimension);
        var depth = Assert.Single(result.Dense);
        Assert.Equal(dense.Depth, depth.Depth);
        Assert.Equal(5, depth.PrefixTokens); // class token and Virchow2's 4 registers
        Assert.Equal(tokens.GridSize * tokens.GridSize * tokens.Width, depth.PatchTokensOf(1).Length);
        Assert.Contains(depth.PatchTokensOf(1).ToArray(), v => v != 0);
        Assert.False(depth.PatchTokensOf(0).SequenceEqual(depth.PatchTokensOf(1)));
        // The embedding is the run's own: encoding tile 1 alone gives the same vector.
        var alone = encoder.EncodeImage(batch.PixelsOf(1), size, size);
        Assert.True(Models.Cosine(alone, [.. result.VectorOf(1).ToArray().Select(v => (double)v)]) > 0.99999);
    }

    [Fact]
    public void A_vision_only_package_has_no_text_tower_and_says_so_when_asked_for_text()
    {
        using var package = Models.Load(FamilyTwins.Package("uni"));
        Assert.False(package.HasTextTower);
        var e = Assert.Throws<ModelCapabilityException>(() => new OnnxTextEncoder(package).EncodeAsync(["tumour"], CancellationToken.None).AsTask().GetAwaiter().GetResult());
        Assert.Contains("vision-only", e.Message);
        Assert.Contains("no text tower", e.Message);
    }

    [Fact]
    public void Vision_only_with_a_text_tower_is_refused_naming_the_key()
    {
        var package = CopyOf("uni");
        EditManifest(package, m =>
        {
            m["textEncoder"] = new JsonObject { ["file"] = "text.onnx", ["input"] = "input_ids", ["output"] = "text_embeds" };
            m["logitScale"] = 100.0;
        });
        var e = Refused(package);
        Assert.Contains(package, e.Message);
        Assert.Contains("model.json: textEncoder must be absent: the model is vision-only", e.Message);
        Assert.Contains("model.json: logitScale must be absent", e.Message);
    }

    [Fact]
    public void A_composed_width_other_than_embedding_size_is_refused()
    {
        var package = CopyOf("virchow2");
        EditManifest(package, m => m["embeddingSize"] = m["imageEncoder"]!["tokens"]!["width"]!.GetValue<int>());
        var e = Refused(package);
        Assert.Contains("is not the composed width", e.Message);
        Assert.Contains("class-plus-mean-patch", e.Message);
    }

    [Fact]
    public void Class_token_without_a_class_token_and_both_embedding_forms_are_refused()
    {
        var package = CopyOf("uni");
        EditManifest(package, m => m["imageEncoder"]!["tokens"]!["classToken"] = false);
        Assert.Contains("needs a class token", Refused(package).Message);
        EditManifest(package, m =>
        {
            m["imageEncoder"]!["tokens"]!["classToken"] = true;
            m["imageEncoder"]!["embedding"]!["output"] = "tokens";
        });
        Assert.Contains("imageEncoder.embedding needs exactly one of 'output' or 'compose'", Refused(package).Message);
    }

    [Fact]
    public void Token_layout_other_than_the_graphs_is_refused_naming_the_output()
    {
        var package = CopyOf("h-optimus");
        EditManifest(package, m => m["imageEncoder"]!["tokens"]!["registerTokens"] = 0);
        var e = Refused(package);
        Assert.Contains("output 'tokens' is [?, 261, 48] float32; the manifest implies [batch, 257, 48]", e.Message);
    }

    [Fact]
    public void Format_2_keys_in_a_format_1_manifest_are_refused()
    {
        var package = CopyOf("uni");
        EditManifest(package, m => m["schemaVersion"] = 1);
        var e = Refused(package);
        Assert.Contains("model.json: kind needs schemaVersion 2", e.Message);
        Assert.Contains("model.json: imageEncoder.output is required", e.Message);
    }

    [Fact]
    public void External_data_inside_the_package_and_hashed_loads()
    {
        var package = CopyOf("uni");
        MoveWeightsToExternalData(package, "image_encoder.onnx.data");
        Rehash(package);
        using var loaded = Models.Load(package);
        Assert.Contains("image_encoder.onnx.data", loaded.Manifest.Files.Keys);
        using var encoder = new OnnxImageEncoder(loaded, 1);
        Assert.Equal(loaded.Manifest.EmbeddingSize, encoder.EncodeImage(new byte[224 * 224 * 3], 224, 224).Length);
    }

    [Fact]
    public void External_data_not_listed_in_files_is_refused()
    {
        var package = CopyOf("uni");
        MoveWeightsToExternalData(package, "weights.bin");
        Rehash(package, except: "weights.bin");
        var e = Refused(package);
        Assert.Contains("image_encoder.onnx: external data file 'weights.bin'", e.Message);
        Assert.Contains("has no SHA-256 in model.json 'files'", e.Message);
    }

    [Fact]
    public void External_data_outside_the_package_is_refused_before_it_is_opened()
    {
        var package = CopyOf("uni");
        MoveWeightsToExternalData(package, "../outside.data");
        Rehash(package);
        var e = Refused(package);
        Assert.Contains("keeps its data in '../outside.data', outside the package folder", e.Message);
    }

    [Fact]
    public void A_float16_graph_runs_with_its_input_and_outputs_converted_and_a_float32_graph_declared_float16_is_refused()
    {
        var package = CopyOf("uni");
        EditManifest(package, m => m["imageEncoder"]!["precision"] = "float16");
        Assert.Contains("image_encoder.onnx: input 'pixel_values' is [?, 3, 224, 224] float32; the manifest implies [batch, 3, 224, 224] float16", Refused(package).Message);

        // The same weights behind a float16 input and float16 outputs (Cast nodes at the graph's edge).
        ExternalTool.Python(
            "import sys, onnx; from onnx import helper, TensorProto as T; m = onnx.load(sys.argv[1]); g = m.graph\n"
            + "def rename(old, new):\n"
            + "    for n in g.node:\n"
            + "        n.input[:] = [new if x == old else x for x in n.input]; n.output[:] = [new if x == old else x for x in n.output]\n"
            + "i = g.input[0]; rename(i.name, i.name + '_f32'); g.node.insert(0, helper.make_node('Cast', [i.name], [i.name + '_f32'], to=T.FLOAT)); i.type.tensor_type.elem_type = T.FLOAT16\n"
            + "for o in g.output:\n"
            + "    rename(o.name, o.name + '_f32'); g.node.append(helper.make_node('Cast', [o.name + '_f32'], [o.name], to=T.FLOAT16)); o.type.tensor_type.elem_type = T.FLOAT16\n"
            + "onnx.save(m, sys.argv[1])",
            Path.Combine(package, "image_encoder.onnx"));
        Rehash(package);
        using var half = Models.Load(package);
        using var single = Models.Load(FamilyTwins.Package("uni"));
        using var halfEncoder = new OnnxImageEncoder(half, 1);
        using var singleEncoder = new OnnxImageEncoder(single, 1);
        var rgb = new byte[224 * 224 * 3];
        new Random(3).NextBytes(rgb);
        var expected = singleEncoder.EncodeImage(rgb, 224, 224).Select(v => (double)v).ToArray();
        Assert.True(Models.Cosine(halfEncoder.EncodeImage(rgb, 224, 224), expected) > 0.999);
    }

    // ONNX's own writer (python3-onnx) moves every initializer over 1 KiB to location, relative to the graph.
    private static void MoveWeightsToExternalData(string package, string location) =>
        ExternalTool.Python(
            "import sys, onnx; m = onnx.load(sys.argv[1]);"
            + " onnx.save_model(m, sys.argv[1], save_as_external_data=True, all_tensors_to_one_file=True, location=sys.argv[2], size_threshold=1024)",
            Path.Combine(package, "image_encoder.onnx"), location);

    private static void Rehash(string package, string? except = null) => EditManifest(package, m =>
    {
        var files = new JsonObject();
        foreach (var file in Directory.GetFiles(package).Where(f => Path.GetFileName(f) is not "model.json" && Path.GetFileName(f) != except))
        {
            files[Path.GetFileName(file)] = EdgeRuntime.Foundation.Files.FileHash.Sha256(file);
        }

        m["files"] = files;
    });
}

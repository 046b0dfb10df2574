using System.Globalization;
using System.Text.Json;
using EdgeRuntime.Engine.Encoding;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using EdgeRuntime.Tiling;
using EdgeRuntime.Tiling.Grid;
using EdgeRuntime.Tiling.Tissue;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeRuntime.Cli.Tests;

public sealed class ModelCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static string Tiny => ReferenceModels.Package(ReferenceModels.Tiny);

    // Keep each test's text-embedding cache private, so that tests neither share nor race on it.
    private string[] Isolated(params string[] args)
    {
        var config = temp.File("cache.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { EdgeRuntime = new { ZeroShot = new { TextEmbeddingCache = temp.File("cache") }, Inference = new { ExecutionProviders = new[] { "CPU" } } } }));
        return [.. args, "--config", config];
    }

    [Fact]
    public void Models_check_prints_the_summary_of_a_good_package()
    {
        var (code, output, error) = Edgert.Run("models", "check", Tiny);
        Assert.True(code == 0, error);
        Assert.Contains("OK", output);
        Assert.Contains("tiny-reference 1.0.0", output);
        Assert.Contains("PIPELINE TEST MODEL", output);
    }

    [Fact]
    public void Models_check_refuses_a_damaged_package_naming_the_file()
    {
        var copy = temp.File("damaged");
        foreach (var file in Directory.GetFiles(Tiny, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Tiny, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllBytes(Path.Combine(copy, "image_encoder.onnx"), [1, 2, 3]);
        var (code, _, error) = Edgert.Run("models", "check", copy);
        Assert.Equal(1, code);
        Assert.Contains("image_encoder.onnx: SHA-256 is", error);
    }

    [Fact]
    public void Tag_of_an_image_lists_prompt_classes_with_probabilities()
    {
        var (code, output, error) = Edgert.Run(Isolated("tag", TestData.Image("ihc.png"), "-m", Tiny, "--json", "--top", "9"));
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("image", root.GetProperty("kind").GetString());
        Assert.Equal("crc100k", root.GetProperty("prompts").GetProperty("id").GetString());
        var tags = root.GetProperty("tags").EnumerateArray().ToArray();
        Assert.Equal(9, tags.Length);
        Assert.Equal(1.0, tags.Sum(t => t.GetProperty("probability").GetDouble()), 6);
        Assert.Contains(tags, t => t.GetProperty("class").GetString() == "cancer-associated stroma");
        var probabilities = tags.Select(t => t.GetProperty("probability").GetDouble()).ToArray();
        Assert.Equal(probabilities.OrderDescending(), probabilities);
    }

    [Fact]
    public void Tag_of_a_slide_without_tissue_gives_no_tags_and_exit_code_5()
    {
        // small.svs: 16 × 16 px of glass. Tags from no tile were every CRC-100K class at 1/9 (11.1 %), exit 0.
        var (code, output, error) = Edgert.Run(Isolated("tag", TestData.Slide("small.svs"), "-m", Tiny, "--json"));
        Assert.Equal(5, code); // README: 5, edgert tag found nothing to tag
        Assert.Contains("no-tissue", error, StringComparison.Ordinal);
        Assert.Contains("No tags", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("no-tissue", json.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("tags").GetArrayLength());

        var (textCode, text, _) = Edgert.Run(Isolated("tag", TestData.Slide("small.svs"), "-m", Tiny));
        Assert.Equal(5, textCode);
        Assert.DoesNotContain("%  ", text, StringComparison.Ordinal); // no class with a probability
    }

    [Fact]
    public void Tag_of_a_slide_reports_slide_tags_and_class_fractions_over_its_tissue_tiles()
    {
        var (code, output, error) = Edgert.Run(Isolated("tag", TestData.Slide("CMU-1-Small-Region.svs"), "-m", Tiny, "--json", "-p", Path.Combine(TestData.RepoRoot, "plugins", "prompts", "wsss4luad", "1.0.0", "prompts.json")));
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("slide", root.GetProperty("kind").GetString());
        // As `edgert slide info` counts them at 224 px, 0.5 µm/px: 61 since the last column and row are shifted inward to
        // the slide's edge (tiles padded with white had less tissue, and 55 were kept).
        Assert.Equal(61, root.GetProperty("tiles").GetInt32());
        var fractions = root.GetProperty("classFractions").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        Assert.Equal(3, fractions.Length);
        Assert.Equal(1.0, fractions.Sum(), 9);
        Assert.Equal(10, root.GetProperty("topK").GetInt32());
    }

    [Fact]
    public void Tag_with_a_missing_prompt_set_exits_1_naming_it()
    {
        var missing = temp.File("nope.json");
        var (code, _, error) = Edgert.Run(Isolated("tag", TestData.Image("ihc.png"), "-m", Tiny, "-p", missing));
        Assert.Equal(1, code);
        Assert.Contains(missing, error);
    }

    [Fact]
    public async Task Embed_writes_hdf5_that_h5py_reads_with_the_in_memory_embeddings()
    {
        var slidePath = TestData.Slide("CMU-1-Small-Region.svs");
        var target = temp.File("features.h5");
        var (code, _, error) = Edgert.Run(Isolated("embed", slidePath, "-m", Tiny, "-o", target));
        Assert.True(code == 0, error);

        // Read back by h5py (Debian python3-h5py), an independent HDF5 implementation.
        var dump = temp.File("features.f32");
        var summary = ExternalTool.Python(
            "import sys, h5py, numpy as np; f = h5py.File(sys.argv[1], 'r'); x = f['features']; c = f['coords'];"
            + " np.asarray(x, dtype='<f4').tofile(sys.argv[2]);"
            + " print(x.shape[0], x.shape[1], x.dtype, c.shape[1], c.dtype, f.attrs['tile_size'], f.attrs['model_id'], c.attrs['patch_size']);"
            + " print(' '.join(str(v) for v in np.asarray(c).ravel()))",
            target, dump).Split('\n');
        var header = summary[0].Split(' ');
        Assert.Equal(["61", "32", "float32", "2", "int64", "224", "tiny-reference", "224"], header); // 61 tiles: see the tag test above
        var coords = summary[1].Split(' ').Select(long.Parse).ToArray();

        // The same tiles encoded in memory by the library.
        using var slide = new SlideOpener(new SlideReadingOptions()).Open(slidePath);
        var grid = new SlideTiler(new TissueDetectionOptions(), new TilingOptions()).Plan(slide).Grid;
        using var package = ModelPackage.Load(Tiny, new InferenceOptions { ExecutionProviders = ["CPU"] }, NullLogger.Instance);
        using var encoder = new OnnxImageEncoder(package, 16);
        var expected = new float[grid.Tiles.Count * 32];
        await new TiledEncoding(new EncodingOptions { BatchSize = 16 }).RunAsync("x", slide, grid, encoder, (b, _) =>
        {
            for (var i = 0; i < b.Tiles.Count; i++)
            {
                b.VectorOf(i).CopyTo(expected.AsSpan(b.Tiles[i].Index * 32));
            }

            return ValueTask.CompletedTask;
        }, null, CancellationToken.None);

        var bytes = File.ReadAllBytes(dump);
        var actual = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, actual, 0, bytes.Length);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 4);
        }

        for (var i = 0; i < grid.Tiles.Count; i++)
        {
            Assert.Equal((grid.Tiles[i].Box.X, grid.Tiles[i].Box.Y), (coords[2 * i], coords[(2 * i) + 1]));
        }
    }
}

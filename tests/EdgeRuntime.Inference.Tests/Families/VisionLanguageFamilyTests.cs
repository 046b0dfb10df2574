using System.Text.Json;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Inference.Tests.Families;

// Each vision-language family's structural twin, imported from a synthetic checkpoint written in the family's
// published layout (tools/families/vision_language.py), loaded by the runtime and compared with PyTorch running the
// same checkpoint. Token ids come from the independent tokenizers (Text/Families/independent_tokenizers.py and
// tools/make-reference-models.py's CLIP tokenizer), not from the runtime. Twins and checkpoints are cached under
// artifacts/, rebuilt when the families' code or the test vocabularies change (Text/Families/family_twin.py).
public sealed class VisionLanguageFamilyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Prompts =
    [
        "an H&E image of adenocarcinoma",
        "tumor-infiltrating lymphocytes (TILs) in the stroma",
        "Café crème — naïve résumé 🔬",
        string.Join(' ', Enumerable.Repeat("carcinoma stroma", 200)), // past every family's context: truncated
    ];

    private static readonly string Driver = VisionLanguageTwins.Driver;
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Families() => new() { "plip", "quiltnet", "quiltnet-pmb", "conch", "kep" };

    public static string Twin(string family) => VisionLanguageTwins.Package(family);

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Token_ids_and_text_and_image_embeddings_match_pytorch(string family)
    {
        using var package = Models.Load(Twin(family));
        var square = TestData.Image("ihc.png");
        var wide = temp.File("wide.png");
        ExternalTool.Python("import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').crop((37, 91, 337, 291)).save(sys.argv[2])", square, wide);
        string[] images = [square, wide];
        var referencePath = temp.File("reference.json");
        ExternalTool.Run(ExternalTool.DebianPython, [Driver, "reference", family, referencePath, "--prompts", .. Prompts, "--images", .. images]);
        using var reference = JsonDocument.Parse(File.ReadAllText(referencePath));

        var context = package.Tokenizer.ContextLength;
        var expectedIds = reference.RootElement.GetProperty("ids").EnumerateArray().ToArray();
        for (var i = 0; i < Prompts.Length; i++)
        {
            var ids = new long[context];
            package.Tokenizer.EncodeToContext(Prompts[i], ids);
            Assert.Equal(expectedIds[i].EnumerateArray().Select(v => v.GetInt64()), ids);
        }

        var text = await new OnnxTextEncoder(package).EncodeAsync(Prompts, CancellationToken.None);
        var expectedText = reference.RootElement.GetProperty("text").EnumerateArray().ToArray();
        var dimension = package.Manifest.EmbeddingSize;
        var worstText = 1.0;
        for (var i = 0; i < Prompts.Length; i++)
        {
            var cosine = Models.Cosine(text.AsSpan(i * dimension, dimension), expectedText[i].EnumerateArray().Select(v => v.GetDouble()).ToArray());
            Assert.True(cosine >= 0.9999, $"{family}, prompt {i}: text cosine {cosine:F6} with PyTorch");
            worstText = Math.Min(worstText, cosine);
        }

        using var encoder = new OnnxImageEncoder(package, maxBatch: 2);
        var opener = new SlideOpener(new SlideReadingOptions());
        var expectedImages = reference.RootElement.GetProperty("images").EnumerateArray().ToArray();
        var worstImage = 1.0;
        for (var i = 0; i < images.Length; i++)
        {
            using var image = opener.Open(images[i]);
            var (w, h) = ((int)image.Info.Width, (int)image.Info.Height);
            var rgb = new byte[w * h * 3];
            image.ReadRegion(0, 0, 0, w, h, rgb);
            var cosine = Models.Cosine(encoder.EncodeImage(rgb, w, h), expectedImages[i].EnumerateArray().Select(v => v.GetDouble()).ToArray());
            Assert.True(cosine >= 0.9999, $"{family}, {Path.GetFileName(images[i])}: image cosine {cosine:F6} with PyTorch");
            worstImage = Math.Min(worstImage, cosine);
        }

        output.WriteLine($"{family}: lowest text cosine 1 - {1 - worstText:E1}, lowest image cosine 1 - {1 - worstImage:E1}");
    }

    [Theory]
    [InlineData("quiltnet-pmb", "quiltnet-weights", "missing 41 keys, first: text.transformer.embeddings.word_embeddings.weight")] // open_clip ViT-B-32 weights given as the PubMedBERT variant
    [InlineData("kep", "transposed", "1 shapes differ, first: visual_head.0.weight (24, 16) (expected (16, 24))")] // one matrix stored the other way round
    [InlineData("conch", "truncated", "missing 12 keys, first: visual.trunk.blocks.1.norm1.weight")] // one block's keys gone
    public void A_wrong_checkpoint_is_refused_naming_the_first_differing_keys(string family, string damage, string named)
    {
        var folder = Directory.CreateDirectory(System.IO.Path.Combine(temp.Path, "checkpoint")).FullName;
        Twin(family);
        foreach (var file in Directory.GetFiles(Checkpoint(family)))
        {
            File.Copy(file, System.IO.Path.Combine(folder, System.IO.Path.GetFileName(file)));
        }

        switch (damage)
        {
            case "quiltnet-weights":
                Twin("quiltnet");
                File.Copy(System.IO.Path.Combine(Checkpoint("quiltnet"), "open_clip_model.safetensors"), System.IO.Path.Combine(folder, "open_clip_model.safetensors"), overwrite: true);
                break;
            case "transposed":
                ExternalTool.Python(
                    "import sys, torch; p = sys.argv[1]; c = torch.load(p); s = c['state_dict']; k = 'module.visual_head.0.weight'; s[k] = s[k].t().contiguous(); torch.save(c, p)",
                    System.IO.Path.Combine(folder, "kep.pt"));
                break;
            default:
                ExternalTool.Python(
                    "import sys, torch; p = sys.argv[1]; s = torch.load(p); torch.save({k: v for k, v in s.items() if not k.startswith('visual.trunk.blocks.1.')}, p)",
                    System.IO.Path.Combine(folder, "pytorch_model.bin"));
                break;
        }

        var error = Assert.Throws<InvalidOperationException>(() => ExternalTool.Run(
            ExternalTool.DebianPython, ["-m", "tools.families.vision_language", "import", family, folder, "-o", temp.File("out")], workingDirectory: TestData.RepoRoot));
        Assert.Contains("exited 2", error.Message, StringComparison.Ordinal);
        Assert.Contains($"not a {family} checkpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static string Checkpoint(string family) => VisionLanguageTwins.Checkpoint(family);
}

using System.Text.Json;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Preprocessing;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace EdgeRuntime.Inference.Tests.Families;

// Each vision-only family's twin, imported from a synthetic checkpoint in the family's layout, against PyTorch running
// the same weights with Pillow preprocessing and the model card's embedding (tools/families/vit.py): proves the
// family's preprocessing, the graph and the composed embedding together.
public sealed class VisionFamilyParityTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Families => [.. FamilyTwins.VisionOnly];

    [Theory]
    [MemberData(nameof(Families))]
    public void Twin_embeddings_match_pytorch(string family)
    {
        var square = TestData.Image("ihc.png"); // 512×512
        var wide = temp.File("wide.png"); // 300×200: shortest side resized (to 256 first for Prov-GigaPath), centre cropped
        ExternalTool.Python("import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').crop((37, 91, 337, 291)).save(sys.argv[2])", square, wide);
        string[] images = [square, wide];
        var referencePath = FamilyTwins.Reference(family, temp.Path, images);
        using var reference = JsonDocument.Parse(File.ReadAllText(referencePath));
        var referencePixels = ReadFloats(Path.Combine(temp.Path, reference.RootElement.GetProperty("pixelValues").GetString()!));
        var referenceImages = reference.RootElement.GetProperty("images").EnumerateArray().ToArray();

        using var package = Models.Load(FamilyTwins.Package(family));
        Assert.False(package.HasTextTower);
        var tokens = package.Manifest.ImageEncoder.Tokens!;
        var expectedWidth = family == "virchow2" ? 2 * tokens.Width : tokens.Width;
        Assert.Equal(expectedWidth, package.Manifest.EmbeddingSize);
        var preprocessor = new ClipImagePreprocessor(package.Manifest.Preprocessing);
        using var encoder = new OnnxImageEncoder(package, maxBatch: 2);
        var opener = new SlideOpener(new SlideReadingOptions());
        for (var i = 0; i < images.Length; i++)
        {
            using var image = opener.Open(images[i]);
            var (w, h) = ((int)image.Info.Width, (int)image.Info.Height);
            var rgb = new byte[w * h * 3];
            image.ReadRegion(0, 0, 0, w, h, rgb);

            var ours = new float[preprocessor.ValuesPerImage];
            preprocessor.Process(rgb, w, h, ours);
            var theirs = referencePixels.AsSpan(i * ours.Length, ours.Length);
            var worst = 0.0;
            for (var k = 0; k < ours.Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(ours[k] - theirs[k]));
            }

            var embedding = encoder.EncodeImage(rgb, w, h);
            var expected = referenceImages[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(expected.Length, embedding.Length);
            var cosine = Models.Cosine(embedding, expected);
            log.WriteLine($"{family} {Path.GetFileName(images[i])}: preprocessed max |Δ| {worst:E2}, cosine {cosine:F7}, width {embedding.Length}");
            Assert.True(worst < 1e-4, $"{family} {Path.GetFileName(images[i])}: preprocessed value differs from PyTorch's by {worst}");
            Assert.True(cosine >= 0.9999, $"{family} {Path.GetFileName(images[i])}: cosine {cosine:F6} with PyTorch");
        }
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}

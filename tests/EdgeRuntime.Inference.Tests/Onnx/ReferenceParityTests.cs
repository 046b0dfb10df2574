using System.Text.Json;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.TestSupport;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Onnx;

// The reference: PyTorch running the same weights, with Pillow preprocessing and an independent Python
// tokenizer (itself checked against the golden ids), written by tools/make-reference-models.py.
// Matching it proves preprocessing, tokenizer and inference together.
public sealed class ReferenceParityTests : IDisposable
{
    private static readonly string[] Prompts = ["an H&E image of adipose tissue", "colorectal adenocarcinoma epithelium", "Lymphocytes, debris and mucus."];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    [Theory]
    [InlineData(ReferenceModels.Tiny)]
    [InlineData(ReferenceModels.ClipVitB32)]
    public async Task Image_and_text_embeddings_match_pytorch(string modelId)
    {
        var square = TestData.Image("ihc.png"); // 512×512: resized to the input size
        var wide = temp.File("wide.png"); // 300×200: shortest side resized, centre cropped
        ExternalTool.Python("import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').crop((37, 91, 337, 291)).save(sys.argv[2])", square, wide);
        string[] images = [square, wide];
        var referencePath = ReferenceModels.Reference(modelId, temp.Path, images, Prompts);
        using var reference = JsonDocument.Parse(File.ReadAllText(referencePath));

        using var package = Models.Load(ReferenceModels.Package(modelId));
        var preprocessor = new EdgeRuntime.Inference.Preprocessing.ClipImagePreprocessor(package.Manifest.Preprocessing);
        var referencePixels = ReadFloats(Path.Combine(temp.Path, reference.RootElement.GetProperty("pixelValues").GetString()!));
        using var encoder = new OnnxImageEncoder(package, maxBatch: 4);
        var opener = new SlideOpener(new SlideReadingOptions());
        var referenceImages = reference.RootElement.GetProperty("images").EnumerateArray().ToArray();
        for (var i = 0; i < images.Length; i++)
        {
            using var image = opener.Open(images[i]);
            var (w, h) = ((int)image.Info.Width, (int)image.Info.Height);
            var rgb = new byte[w * h * 3];
            image.ReadRegion(0, 0, 0, w, h, rgb);

            // Preprocessing itself: within float rounding of PyTorch's tensor (a grey level is ~0.015 here).
            var ours = new float[preprocessor.ValuesPerImage];
            preprocessor.Process(rgb, w, h, ours);
            var theirs = referencePixels.AsSpan(i * ours.Length, ours.Length);
            var worst = 0.0;
            for (var k = 0; k < ours.Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(ours[k] - theirs[k]));
            }

            Assert.True(worst < 1e-4, $"{Path.GetFileName(images[i])}: preprocessed value differs from PyTorch's by {worst}");

            var embedding = encoder.EncodeImage(rgb, w, h);
            var expected = referenceImages[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var cosine = Models.Cosine(embedding, expected);
            Assert.True(cosine >= 0.9999, $"{Path.GetFileName(images[i])}: cosine {cosine:F6} with PyTorch");
        }

        var text = await new OnnxTextEncoder(package).EncodeAsync(Prompts, CancellationToken.None);
        var referencePrompts = reference.RootElement.GetProperty("prompts").EnumerateArray().ToArray();
        for (var i = 0; i < Prompts.Length; i++)
        {
            var expectedIds = referencePrompts[i].GetProperty("ids").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var ids = new long[package.Tokenizer.ContextLength];
            package.Tokenizer.EncodeToContext(Prompts[i], ids);
            Assert.Equal(expectedIds, ids);

            var expected = referencePrompts[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var cosine = Models.Cosine(text.AsSpan(i * package.Manifest.EmbeddingSize, package.Manifest.EmbeddingSize), expected);
            Assert.True(cosine >= 0.9999, $"'{Prompts[i]}': cosine {cosine:F6} with PyTorch");
        }
    }
}

using System.Globalization;
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
using Xunit.Abstractions;

namespace EdgeRuntime.Engine.Tests.Encoding;

// What DCT-scaled decoding changes for the model: every tile of the real Aperio slide read by OpenSlide + Pillow's
// bicubic (the reference) and by each direct reader, embedded by the ViT-B/32 reference, compared per tile.
// The direct reader that auto picks must keep every tile at cosine ≥ 0.999; direct-jpeg's figures are printed
// for docs/performance.md whatever they are.
public sealed class ScaledDecodingAgreementTests(ITestOutputHelper output)
{
    private const double Bound = 0.999;

    [Theory]
    [InlineData(1.0, 2)]
    [InlineData(2.0, 4)]
    [InlineData(4.0, 8)]
    public void Auto_reader_keeps_every_tile_embedding_within_the_bound(double micronsPerPixel, int denominator)
    {
        var path = TestData.Slide("CMU-1-Small-Region.svs");
        using var package = ModelPackage.Load(ReferenceModels.Package(ReferenceModels.ClipVitB32), new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 2 }, NullLogger.Instance);
        using var encoder = new OnnxImageEncoder(package, maxBatch: 1);
        using var reference = Open(path, SlideReadingOptions.OpenSlideReader);
        var grid = new SlideTiler(new TissueDetectionOptions { Detector = "none" }, new TilingOptions { TargetMicronsPerPixel = micronsPerPixel }).Plan(reference).Grid;
        var expected = Embed(reference, grid, encoder, out var referencePixels);

        foreach (var reader in new[] { SlideReadingOptions.DirectJpegReader, SlideReadingOptions.AutoReader })
        {
            using var slide = Open(path, reader);
            var tileReader = new TileReader(slide, grid);
            Assert.Equal(reader == SlideReadingOptions.DirectJpegReader || SlideOpener.ScaledDecoding(reader) ? denominator : 1, tileReader.ScaleDenominator);
            var actual = Embed(slide, grid, encoder, out var pixels);
            var cosines = expected.Zip(actual, Cosine).ToList();
            var meanPixel = referencePixels.Zip(pixels, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average(v => v)).Average();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{reader} at {micronsPerPixel} µm/px (1/{tileReader.ScaleDenominator}): {grid.Tiles.Count} tiles, cosine min {cosines.Min():0.00000} mean {cosines.Average():0.00000}, mean |pixel difference| {meanPixel:0.00}"));
            if (reader == SlideReadingOptions.AutoReader)
            {
                Assert.All(cosines, c => Assert.True(c >= Bound, $"auto reader at {micronsPerPixel} µm/px: a tile's embedding is at cosine {c} to OpenSlide's"));
            }
        }
    }

    private static ISlide Open(string path, string reader) => new SlideOpener(new SlideReadingOptions { Reader = reader }).Open(path);

    private static List<float[]> Embed(ISlide slide, TileGrid grid, OnnxImageEncoder encoder, out List<byte[]> pixels)
    {
        var reader = new TileReader(slide, grid);
        pixels = [];
        var embeddings = new List<float[]>();
        foreach (var tile in grid.Tiles)
        {
            var rgb = new byte[grid.TileSize * grid.TileSize * 3];
            reader.Read(tile, rgb);
            pixels.Add(rgb);
            embeddings.Add(encoder.EncodeImage(rgb, grid.TileSize, grid.TileSize));
        }

        return embeddings;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}

using System.Collections.Concurrent;
using EdgeRuntime.Abstractions.Slides;
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

namespace EdgeRuntime.Engine.Tests.Encoding;

public sealed class TiledEncodingTests
{
    private static readonly SlideOpener Opener = new(new SlideReadingOptions());

    private static ModelPackage Tiny() => ModelPackage.Load(
        ReferenceModels.Package(ReferenceModels.Tiny), new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 2 }, NullLogger.Instance);

    [Theory]
    [InlineData(7, 3)] // the last batch partial, batches finishing out of order
    [InlineData(1, 4)] // more readers than tiles in a batch: three wait for buffers at any time
    [InlineData(500, 2)] // one batch for the whole slide, filled by both readers
    [InlineData(32, 0)] // the default: one reader per core
    public async Task Every_tile_is_encoded_once_and_batching_does_not_change_its_embedding(int batchSize, int readers)
    {
        using var slide = Opener.Open(TestData.Slide("CMU-1-Small-Region.svs"));
        var grid = new SlideTiler(new TissueDetectionOptions(), new TilingOptions()).Plan(slide).Grid;
        using var package = Tiny();
        using var encoder = new OnnxImageEncoder(package, maxBatch: batchSize);
        var seen = new ConcurrentDictionary<int, float[]>();
        var reports = new List<EncodingProgress>();

        await new TiledEncoding(new EncodingOptions { BatchSize = batchSize, Readers = readers }).RunAsync(
            "cmu", slide, grid, encoder,
            (batch, _) =>
            {
                for (var i = 0; i < batch.Tiles.Count; i++)
                {
                    Assert.True(seen.TryAdd(batch.Tiles[i].Index, batch.VectorOf(i).ToArray()), $"tile {batch.Tiles[i].Index} twice");
                }

                return ValueTask.CompletedTask;
            },
            new SynchronousProgress(reports),
            CancellationToken.None);

        Assert.Equal(grid.Tiles.Select(t => t.Index).Order(), seen.Keys.Order());
        Assert.Equal(new EncodingProgress(grid.Tiles.Count, grid.Tiles.Count), reports[^1]);

        // The same tile read and encoded alone gives the same vector.
        var reader = new TileReader(slide, grid);
        foreach (var tile in new[] { grid.Tiles[0], grid.Tiles[^1], grid.Tiles[grid.Tiles.Count / 2] })
        {
            var pixels = new byte[224 * 224 * 3];
            reader.Read(tile, pixels);
            var alone = encoder.EncodeImage(pixels, 224, 224);
            var streamed = seen[tile.Index];
            for (var d = 0; d < alone.Length; d++)
            {
                Assert.Equal(alone[d], streamed[d], 4);
            }
        }
    }

    [Fact]
    public async Task Unreadable_slide_fails_with_the_read_error_not_a_cancellation()
    {
        using var slide = Opener.Open(TestData.Slide("unreadable.svs"));
        var everything = new TissueMask(1, 1, slide.Info.Width, slide.Info.Height, [1], 0);
        var grid = new TileGridBuilder(new TilingOptions { TileSize = 8, TargetMicronsPerPixel = slide.Info.Resolution.MicronsPerPixel, MinTissueFraction = 0 }).Build(slide.Info, everything);
        using var package = Tiny();
        var encoder = new FixedSizeEncoder(new OnnxImageEncoder(package, 4), 8);
        var error = await Assert.ThrowsAsync<SlideReadException>(() => new TiledEncoding(new EncodingOptions { BatchSize = 2 })
            .RunAsync("bad", slide, grid, encoder, (_, _) => ValueTask.CompletedTask, null, CancellationToken.None));
        Assert.Contains("unreadable.svs", error.Message);
    }

    private sealed class SynchronousProgress(List<EncodingProgress> reports) : IProgress<EncodingProgress>
    {
        public void Report(EncodingProgress value) => reports.Add(value);
    }

    /// <summary>Presents the tiny encoder as taking small tiles, for a 16 px slide.</summary>
    private sealed class FixedSizeEncoder(OnnxImageEncoder inner, int tileSize) : Abstractions.Models.IImageEncoder
    {
        public Abstractions.Models.ModelIdentity Model => inner.Model;

        public int Dimension => inner.Dimension;

        public int TileSize => tileSize;

        public ValueTask<Abstractions.Embeddings.EmbeddingBatch> EncodeAsync(Abstractions.Tiles.TileBatch batch, CancellationToken cancellationToken) =>
            inner.EncodeAsync(batch, cancellationToken);
    }
}

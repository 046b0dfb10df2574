using System.Collections.Concurrent;
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

// Slides in flight share one encoder, whose output is valid only until its next call: turns keep each slide's
// embeddings its own, and serve the oldest slide first.
public sealed class EncoderTurnsTests
{
    [Fact]
    public async Task The_oldest_slide_waiting_goes_next_whoever_asked_first()
    {
        var turns = new EncoderTurns();
        var (older, younger) = (turns.Join(), turns.Join());
        var first = await turns.TakeAsync(younger, CancellationToken.None); // free: taken at once

        var order = new ConcurrentQueue<string>();
        var youngerWaits = Take(younger, "younger");
        await Task.Delay(50); // the younger slide is in line first
        var olderWaits = Take(older, "older");
        Assert.False(youngerWaits.IsCompleted || olderWaits.IsCompleted);

        first.Dispose();
        await Task.WhenAll(youngerWaits, olderWaits);
        Assert.Equal(["older", "younger"], order);

        async Task Take(long place, string name)
        {
            using var turn = await turns.TakeAsync(place, CancellationToken.None);
            order.Enqueue(name);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_cancelled_waiter_is_passed_over_and_a_turn_given_back_twice_counts_once()
    {
        var turns = new EncoderTurns();
        var (a, b, c) = (turns.Join(), turns.Join(), turns.Join());
        var held = await turns.TakeAsync(c, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = turns.TakeAsync(a, cancel.Token).AsTask();
        var waiting = turns.TakeAsync(b, CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        held.Dispose();
        held.Dispose();
        using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        // b holds the encoder: a newcomer waits, even after the double dispose above.
        var newcomer = turns.TakeAsync(turns.Join(), CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(newcomer.IsCompleted);
        next.Dispose();
        (await newcomer.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }

    [Fact]
    public async Task Two_slides_on_one_encoder_each_get_their_own_tiles_embeddings()
    {
        var opener = new SlideOpener(new SlideReadingOptions());
        using var package = ModelPackage.Load(ReferenceModels.Package(ReferenceModels.Tiny), new InferenceOptions { ExecutionProviders = ["CPU"], IntraOpThreads = 2 }, NullLogger.Instance);
        using var encoder = new OnnxImageEncoder(package, maxBatch: 4);
        var turns = new EncoderTurns();
        string[] files = ["CMU-1-Small-Region.svs", "test3-DAPI-2.ndpi"];
        var slides = files.Select(f => opener.Open(TestData.Slide(f))).ToList();
        try
        {
            var grids = slides.Select(s => new SlideTiler(new TissueDetectionOptions { Detector = "none" }, new TilingOptions()).Plan(s).Grid).ToList();
            var seen = files.Select(_ => new ConcurrentDictionary<int, float[]>()).ToList();

            // The consumer yields mid-batch, as task plugins awaiting I/O do: that is when the other slide's batch
            // would be encoded into the same output buffer if it could.
            await Task.WhenAll(Enumerable.Range(0, files.Length).Select(s => Task.Run(() => new TiledEncoding(new EncodingOptions { BatchSize = 4, Readers = 2 }, turns).RunAsync(
                files[s], slides[s], grids[s], encoder,
                async (batch, _) =>
                {
                    Assert.Equal(files[s], batch.SlideId);
                    await Task.Delay(2);
                    for (var i = 0; i < batch.Tiles.Count; i++)
                    {
                        seen[s][batch.Tiles[i].Index] = batch.VectorOf(i).ToArray();
                    }
                },
                null,
                CancellationToken.None))));

            for (var s = 0; s < files.Length; s++)
            {
                Assert.True(grids[s].Tiles.Count > 8, $"{files[s]}: {grids[s].Tiles.Count} tiles are too few batches to interleave");
                var reader = new TileReader(slides[s], grids[s]);
                var pixels = new byte[224 * 224 * 3];
                foreach (var tile in grids[s].Tiles)
                {
                    reader.Read(tile, pixels);
                    var alone = encoder.EncodeImage(pixels, 224, 224);
                    var streamed = seen[s][tile.Index];
                    var worst = alone.Zip(streamed, (x, y) => Math.Abs(x - y)).Max();
                    Assert.True(worst < 1e-4, $"{files[s]} tile {tile.Index}: the streamed embedding differs from the tile's own by {worst}");
                }
            }
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }
}

using System.Threading.Channels;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;

namespace EdgeRuntime.Pipeline.Encoding;

/// <summary>
/// Streams one slide's tiles through an image encoder. Readers (each with its own <see cref="TileReader"/>)
/// fill batch buffers in parallel while the encoder runs the previous batch; a bounded set of buffers
/// circulates between them through two channels, so memory is fixed by the batch size and the number of
/// readers, never by the slide. The consumer sees every batch once, in completion order, with tile refs
/// that say where each tile belongs.
/// </summary>
public sealed class SlideEncodingPipeline
{
    private readonly EncodingOptions options;

    /// <summary>Creates a pipeline with validated options.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SlideEncodingPipeline(EncodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));

        this.options = options;
    }

    /// <summary>Encodes every tile of <paramref name="grid"/> and hands each batch of embeddings to <paramref name="consume"/>.</summary>
    /// <exception cref="EdgeRuntime.Slides.SlideReadException">A tile could not be read; nothing after it is encoded.</exception>
    public async Task RunAsync(
        string slideId,
        ISlide slide,
        TileGrid grid,
        IImageEncoder encoder,
        Func<EmbeddingBatch, CancellationToken, ValueTask> consume,
        IProgress<EncodingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slide);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(consume);
        if (encoder.TileSize != grid.TileSize)
        {
            throw new ArgumentException($"The encoder takes {encoder.TileSize} px tiles; the grid has {grid.TileSize} px.", nameof(encoder));
        }

        var tiles = grid.Tiles.ToArray();
        var batchSize = options.BatchSize;
        var batchCount = (tiles.Length + batchSize - 1) / batchSize;
        progress?.Report(new EncodingProgress(0, tiles.Length));
        if (batchCount == 0)
        {
            return;
        }

        var tileBytes = grid.TileSize * grid.TileSize * 3;
        var bufferCount = options.Readers + 2;
        var free = Channel.CreateBounded<byte[]>(bufferCount);
        for (var i = 0; i < bufferCount; i++)
        {
            free.Writer.TryWrite(new byte[batchSize * tileBytes]);
        }

        var full = Channel.CreateBounded<(int First, int Count, byte[] Pixels)>(new BoundedChannelOptions(options.Readers) { SingleReader = true });
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var nextBatch = -1;

        async Task ReadAsync()
        {
            var reader = new TileReader(slide, grid);
            int batch;
            while ((batch = Interlocked.Increment(ref nextBatch)) < batchCount)
            {
                var buffer = await free.Reader.ReadAsync(failure.Token).ConfigureAwait(false);
                var first = batch * batchSize;
                var count = Math.Min(batchSize, tiles.Length - first);
                for (var i = 0; i < count; i++)
                {
                    failure.Token.ThrowIfCancellationRequested();
                    reader.Read(tiles[first + i], buffer.AsSpan(i * tileBytes, tileBytes));
                }

                await full.Writer.WriteAsync((first, count, buffer), failure.Token).ConfigureAwait(false);
            }
        }

        // Tile decoding is CPU work in native code: each reader gets a thread-pool thread of its own.
        var readers = Enumerable.Range(0, options.Readers).Select(_ => Task.Run(ReadAsync, failure.Token)).ToArray();
        var readersDone = Task.WhenAll(readers).ContinueWith(
            t =>
            {
                full.Writer.TryComplete(t.Exception?.InnerException);
                if (t.IsFaulted)
                {
                    failure.Cancel();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        var done = 0;
        try
        {
            await foreach (var (first, count, pixels) in full.Reader.ReadAllAsync(failure.Token).ConfigureAwait(false))
            {
                var refs = new ArraySegment<TileRef>(tiles, first, count);
                var batch = new TileBatch(slideId, refs, grid.TileSize, pixels.AsMemory(0, count * tileBytes));
                var embeddings = await encoder.EncodeAsync(batch, failure.Token).ConfigureAwait(false);
                await consume(embeddings, failure.Token).ConfigureAwait(false);
                free.Writer.TryWrite(pixels);
                done += count;
                progress?.Report(new EncodingProgress(done, tiles.Length));
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            failure.Cancel();
            await readersDone.ConfigureAwait(false);

            // Surface a reader's own error (a slide that cannot be read) rather than the cancellation it caused.
            var readerError = readers.FirstOrDefault(r => r.IsFaulted)?.Exception?.InnerException;
            if (readerError is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readerError);
            }

            throw;
        }

        await readersDone.ConfigureAwait(false);
    }
}

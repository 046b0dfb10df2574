using System.Threading.Channels;
using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Foundation;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;
using EdgeRuntime.Tiling.Grid;

namespace EdgeRuntime.Engine.Encoding;

/// <summary>
/// Streams one slide's tiles through an image encoder. Readers (each with its own <see cref="TileReader"/>)
/// take tiles one at a time, in grid order, into the batch buffer each belongs to, so all readers fill the same
/// batch together (the first batch is ready in 1/readers of the time, and no reader idles on the last) while the
/// encoder runs the previous one; a bounded set of buffers circulates between them through two channels, so
/// memory is fixed by the batch size and the number of readers, never by the slide. The consumer sees every batch
/// once, in completion order, with tile refs that say where each tile belongs. Slides that share an encoder share
/// its <see cref="EncoderTurns"/>: a batch is encoded and consumed within one turn.
/// </summary>
internal sealed class TiledEncoding
{
    private readonly EncodingOptions options;
    private readonly EncoderTurns? turns;

    /// <summary>Creates a pipeline with validated options.</summary>
    /// <param name="options">Readers and batch size.</param>
    /// <param name="turns">The turns of every slide using the same encoder at once; null when this slide is its only user.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public TiledEncoding(EncodingOptions options, EncoderTurns? turns = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(options.Validate(), nameof(options));

        this.options = options;
        this.turns = turns;
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
        var bufferCount = options.EffectiveReaders + 2;
        var free = Channel.CreateBounded<byte[]>(bufferCount);
        for (var i = 0; i < bufferCount; i++)
        {
            free.Writer.TryWrite(new byte[batchSize * tileBytes]);
        }

        var full = Channel.CreateBounded<(int First, int Count, byte[] Pixels)>(new BoundedChannelOptions(options.EffectiveReaders) { SingleReader = true });
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int CountOf(int batch) => Math.Min(batchSize, tiles.Length - (batch * batchSize));

        // Tiles are claimed in grid order under one lock, which also asks for a batch's buffer at its first tile:
        // buffers are therefore taken in batch order, and a reader that waits for one never holds a tile of an
        // earlier batch, so every batch that has a buffer completes and gives it back (no deadlock).
        var claim = new Lock();
        var nextTile = -1;
        var bufferOf = new Task<byte[]>?[batchCount];
        var remaining = Enumerable.Range(0, batchCount).Select(CountOf).ToArray();

        (int Tile, Task<byte[]> Buffer) Claim()
        {
            lock (claim)
            {
                var tile = ++nextTile;
                if (tile >= tiles.Length)
                {
                    return (-1, Task.FromResult(Array.Empty<byte>()));
                }

                var batch = tile / batchSize;
                return (tile, bufferOf[batch] ??= free.Reader.ReadAsync(failure.Token).AsTask());
            }
        }

        async Task ReadAsync()
        {
            var reader = new TileReader(slide, grid);
            while (Claim() is ( >= 0 and var tile, var pending))
            {
                var buffer = await pending.ConfigureAwait(false);
                failure.Token.ThrowIfCancellationRequested();
                var batch = tile / batchSize;
                reader.Read(tiles[tile], buffer.AsSpan((tile - (batch * batchSize)) * tileBytes, tileBytes));
                if (Interlocked.Decrement(ref remaining[batch]) == 0)
                {
                    bufferOf[batch] = null; // the batch is done; its buffer goes round again
                    await full.Writer.WriteAsync((batch * batchSize, CountOf(batch), buffer), failure.Token).ConfigureAwait(false);
                }
            }
        }

        // Tile decoding is CPU work in native code: each reader gets a thread-pool thread of its own.
        var readers = Enumerable.Range(0, options.EffectiveReaders).Select(_ => Task.Run(ReadAsync, failure.Token)).ToArray();
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
        var place = turns?.Join() ?? 0;
        try
        {
            await foreach (var (first, count, pixels) in full.Reader.ReadAllAsync(failure.Token).ConfigureAwait(false))
            {
                var refs = new ArraySegment<TileRef>(tiles, first, count);
                var batch = new TileBatch(slideId, refs, grid.TileSize, pixels.AsMemory(0, count * tileBytes));
                using (turns is null ? null : await turns.TakeAsync(place, failure.Token).ConfigureAwait(false))
                {
                    var embeddings = await encoder.EncodeAsync(batch, failure.Token).ConfigureAwait(false);
                    await consume(embeddings, failure.Token).ConfigureAwait(false);
                }

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

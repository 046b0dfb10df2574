using System.Diagnostics;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// How much faster the int8 copy encodes than the float graph, measured on the gate tiles in this process with the
/// same threads and batches: a ratio of two times taken side by side, not a time, so that it means the same on a
/// fast box and a slow one. An int8 copy of a small model can be slower than float (quantising and dequantising
/// around every product costs more than the products save), and adopting it would slow the box down.
/// </summary>
internal static class EncoderSpeed
{
    // The pipeline's default batch; a pass over the gate tiles at it is what production runs.
    private const int MaxBatch = 32;

    // Interleaved rounds; each side's fastest is kept, the one least disturbed by other work on the box.
    private const int Rounds = 3;

    /// <summary>Float's time over int8's (above 1: int8 is faster).</summary>
    public static async Task<double> SpeedUpAsync(ModelPackage package, InferenceSession int8, IReadOnlyList<byte[]> tiles, CancellationToken cancellationToken)
    {
        var size = package.Manifest.Tiling.TileSize;
        var batchSize = Math.Min(MaxBatch, tiles.Count);
        var batches = tiles.Chunk(batchSize).Select(chunk =>
        {
            var pixels = new byte[chunk.Length * size * size * 3];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].CopyTo(pixels, i * size * size * 3);
            }

            var refs = chunk.Select((_, i) => new TileRef(i, i, 0, new TileBox(i * size, 0, size, size), 1.0)).ToList();
            return new TileBatch("int8-gate", refs, size, pixels);
        }).ToList();

        using var reference = new OnnxImageEncoder(package, batchSize, package.ImageSession);
        using var candidate = new OnnxImageEncoder(package, batchSize, int8);
        // The first run of a session at a batch size allocates and plans; neither side is timed on it.
        await reference.EncodeAsync(batches[0], cancellationToken).ConfigureAwait(false);
        await candidate.EncodeAsync(batches[0], cancellationToken).ConfigureAwait(false);
        double floatTime = double.PositiveInfinity, int8Time = double.PositiveInfinity;
        for (var round = 0; round < Rounds; round++)
        {
            floatTime = Math.Min(floatTime, await TimeAsync(reference, batches, cancellationToken).ConfigureAwait(false));
            int8Time = Math.Min(int8Time, await TimeAsync(candidate, batches, cancellationToken).ConfigureAwait(false));
        }

        return floatTime / int8Time;
    }

    private static async Task<double> TimeAsync(OnnxImageEncoder encoder, List<TileBatch> batches, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await encoder.EncodeAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return clock.Elapsed.TotalSeconds;
    }
}

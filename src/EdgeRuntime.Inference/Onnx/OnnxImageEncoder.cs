using EdgeRuntime.Abstractions.Embeddings;
using EdgeRuntime.Abstractions.Models;
using EdgeRuntime.Abstractions.Tiles;
using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Preprocessing;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Onnx;

/// <summary>
/// The image tower of a package on ONNX Runtime. Input and output buffers are allocated once for the largest
/// batch and reused; ONNX Runtime reads and writes them in place. Calls are serialised: one encoder runs one
/// batch at a time, with all the intra-op threads it was given.
/// </summary>
public sealed class OnnxImageEncoder : IImageEncoder, IDisposable
{
    private readonly ModelPackage package;
    private readonly ClipImagePreprocessor preprocessor;
    private readonly float[] input;
    private readonly float[] output;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly int maxBatch;

    /// <summary>Creates an encoder for batches of at most <paramref name="maxBatch"/> tiles.</summary>
    public OnnxImageEncoder(ModelPackage package, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        this.package = package;
        this.maxBatch = maxBatch;
        preprocessor = new ClipImagePreprocessor(package.Manifest.Preprocessing);
        input = new float[maxBatch * preprocessor.ValuesPerImage];
        output = new float[maxBatch * package.Manifest.EmbeddingSize];
    }

    /// <inheritdoc />
    public ModelIdentity Model => package.Identity;

    /// <inheritdoc />
    public int Dimension => package.Manifest.EmbeddingSize;

    /// <inheritdoc />
    public int TileSize => package.Manifest.Tiling.TileSize;

    /// <inheritdoc />
    public async ValueTask<EmbeddingBatch> EncodeAsync(TileBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var count = batch.Tiles.Count;
            for (var i = 0; i < count; i++)
            {
                preprocessor.Process(batch.PixelsOf(i), batch.TileSize, batch.TileSize, input.AsSpan(i * preprocessor.ValuesPerImage, preprocessor.ValuesPerImage));
            }

            Run(count, cancellationToken);
            return new EmbeddingBatch(batch.SlideId, batch.Tiles, Dimension, output.AsMemory(0, count * Dimension));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Encodes one RGB image of any size (a plain image to tag); returns a copy of its embedding.</summary>
    public float[] EncodeImage(ReadOnlySpan<byte> rgb, int width, int height)
    {
        gate.Wait();
        try
        {
            preprocessor.Process(rgb, width, height, input.AsSpan(0, preprocessor.ValuesPerImage));
            Run(1, CancellationToken.None);
            return output.AsSpan(0, Dimension).ToArray();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => gate.Dispose();

    private void Run(int count, CancellationToken cancellationToken)
    {
        if (count > maxBatch)
        {
            throw new ArgumentException($"A batch of {count} tiles is larger than this encoder's {maxBatch}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var size = preprocessor.InputSize;
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, count * preprocessor.ValuesPerImage), [count, 3, size, size]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, count * Dimension), [count, Dimension]);
        using var runOptions = new RunOptions();
        package.ImageSession.Run(runOptions, [package.Manifest.ImageEncoder.Input], [inputValue], [package.Manifest.ImageEncoder.Output], [outputValue]);
    }
}

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
/// batch at a time, with all the intra-op threads it was given. One run per batch gives the embedding (a named
/// output, or composed from the final tokens: <see cref="TokenComposition"/>) and the dense depths' tokens.
/// </summary>
public sealed class OnnxImageEncoder : IImageEncoder, IDisposable
{
    private readonly ModelPackage package;
    private readonly InferenceSession session;
    private readonly ClipImagePreprocessor preprocessor;
    private readonly float[] input;
    private readonly float[] output;
    private readonly TokensSpec? tokens;
    private readonly float[]? tokenBuffer;
    private readonly (DenseOutputSpec Spec, float[] Buffer)[] dense;
    private readonly Float16Buffers? half;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly int maxBatch;

    /// <summary>Creates an encoder for batches of at most <paramref name="maxBatch"/> tiles.</summary>
    public OnnxImageEncoder(ModelPackage package, int maxBatch)
        : this(package, maxBatch, package?.ImageSession!)
    {
    }

    // The int8 gate runs the package's float graph and its int8 copy side by side.
    internal OnnxImageEncoder(ModelPackage package, int maxBatch, InferenceSession session)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(session);
        this.session = session;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        this.package = package;
        this.maxBatch = maxBatch;
        var spec = package.Manifest.ImageEncoder;
        preprocessor = new ClipImagePreprocessor(package.Manifest.Preprocessing);
        input = new float[maxBatch * preprocessor.ValuesPerImage];
        output = new float[maxBatch * package.Manifest.EmbeddingSize];
        tokens = spec.Tokens;
        var tokenValues = tokens is null ? 0 : maxBatch * tokens.Count * tokens.Width;
        tokenBuffer = spec.EmbeddingOutput is null && tokens is not null ? new float[tokenValues] : null;
        dense = [.. (spec.Dense ?? []).Select(d => (d, new float[tokenValues]))];
        half = spec.EffectivePrecision == ImageEncoderSpec.HalfPrecision ? new Float16Buffers(this) : null;
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
            return new EmbeddingBatch(batch.SlideId, batch.Tiles, Dimension, output.AsMemory(0, count * Dimension)) { Dense = DenseOf(count), Pixels = batch };
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

    private List<DenseTokens> DenseOf(int count) =>
        [.. dense.Select(d => new DenseTokens(d.Spec.Depth, count, tokens!.PrefixTokens, tokens.RegisterTokens, tokens.GridSize, tokens.Width, d.Buffer.AsMemory(0, count * tokens.Count * tokens.Width)))];

    private void Run(int count, CancellationToken cancellationToken)
    {
        if (count > maxBatch)
        {
            throw new ArgumentException($"A batch of {count} tiles is larger than this encoder's {maxBatch}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var spec = package.Manifest.ImageEncoder;
        var size = preprocessor.InputSize;
        var outputs = new List<(string Name, float[] Buffer, long[] Shape)>();
        if (spec.EmbeddingOutput is { } embedding)
        {
            outputs.Add((embedding, output, [count, Dimension]));
        }
        else
        {
            outputs.Add((tokens!.Output, tokenBuffer!, [count, tokens.Count, tokens.Width]));
        }

        foreach (var (d, buffer) in dense)
        {
            outputs.Add((d.Output, buffer, [count, tokens!.Count, tokens.Width]));
        }

        long[] inputShape = [count, 3, size, size];
        var inputValues = count * preprocessor.ValuesPerImage;
        using var runOptions = new RunOptions();
        if (half is null)
        {
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, inputValues), inputShape);
            var outputValues = outputs.Select(o => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, o.Buffer.AsMemory(0, (int)o.Shape.Aggregate(1L, (a, b) => a * b)), o.Shape)).ToList();
            try
            {
                session.Run(runOptions, [spec.Input], [inputValue], [.. outputs.Select(o => o.Name)], outputValues);
            }
            finally
            {
                outputValues.ForEach(v => v.Dispose());
            }
        }
        else
        {
            half.Run(runOptions, spec.Input, inputValues, inputShape, outputs);
        }

        if (spec.EmbeddingOutput is null)
        {
            TokenComposition.Compose(spec.Embedding!.Compose!, tokens!, tokenBuffer.AsSpan(0, count * tokens!.Count * tokens.Width), count, output.AsSpan(0, count * Dimension));
        }
    }

    // Float16 graphs: the same buffers in float, converted on the way in and out (preprocessing and the tasks work in
    // float; the half-precision arithmetic is the provider's).
    private sealed class Float16Buffers(OnnxImageEncoder encoder)
    {
        private readonly Float16[] input = new Float16[encoder.input.Length];
        private readonly Dictionary<string, Float16[]> outputs = [];

        public void Run(RunOptions runOptions, string inputName, int inputValues, long[] inputShape, List<(string Name, float[] Buffer, long[] Shape)> wanted)
        {
            for (var i = 0; i < inputValues; i++)
            {
                input[i] = (Float16)encoder.input[i];
            }

            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, inputValues), inputShape);
            var values = new List<OrtValue>();
            try
            {
                foreach (var (name, buffer, shape) in wanted)
                {
                    if (!outputs.TryGetValue(name, out var h))
                    {
                        outputs[name] = h = new Float16[buffer.Length];
                    }

                    values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, h.AsMemory(0, (int)shape.Aggregate(1L, (a, b) => a * b)), shape));
                }

                encoder.session.Run(runOptions, [inputName], [inputValue], [.. wanted.Select(w => w.Name)], values);
            }
            finally
            {
                values.ForEach(v => v.Dispose());
            }

            foreach (var (name, buffer, shape) in wanted)
            {
                var h = outputs[name];
                var n = (int)shape.Aggregate(1L, (a, b) => a * b);
                for (var i = 0; i < n; i++)
                {
                    buffer[i] = (float)h[i];
                }
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Engine.Running;
using EdgeRuntime.Foundation.Files;

namespace EdgeRuntime.Validation.Embedding;

/// <summary>
/// Unit image embeddings of labelled images, each computed by the slide engine itself (tiled, resized and
/// normalised as production does; an image of several tiles is their unit mean), and cached by the model's hash, the
/// image's hash and the tiling, so that a second run with another prompt set or method does not encode again.
/// </summary>
/// <param name="host">Runs the engine.</param>
/// <param name="cacheRoot">The cache's folder; null: no cache.</param>
/// <param name="targetMicronsPerPixel">The µm/px images are tiled at; null: the model's.</param>
/// <param name="progress">Where progress lines go.</param>
public sealed class EngineImageEmbedder(IValidationHost host, string? cacheRoot, double? targetMicronsPerPixel, TextWriter progress)
{
    /// <summary>The unit embedding of each of <paramref name="files"/>, in their order.</summary>
    /// <exception cref="InvalidDataException">An image has no tile to embed.</exception>
    public async Task<float[][]> EmbedAsync(ModelRuntime model, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(files);
        var vectors = new float[files.Count][];
        var clock = Stopwatch.StartNew();
        var (encoded, cached) = (0, 0);
        var step = Math.Max(1, files.Count / 10);
        for (var i = 0; i < files.Count; i++)
        {
            var key = cacheRoot is null ? null : Path.Combine(cacheRoot, model.Package.Identity.Sha256[..16], Key(model, files[i]) + ".f32");
            if (key is not null && File.Exists(key))
            {
                vectors[i] = MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false)).ToArray();
                cached++;
            }
            else
            {
                vectors[i] = await EncodeAsync(model, files[i], cancellationToken).ConfigureAwait(false);
                encoded++;
                if (key is not null)
                {
                    AtomicFile.Write(key, MemoryMarshal.AsBytes(vectors[i].AsSpan()).ToArray());
                }
            }

            if ((i + 1) % step == 0 || i + 1 == files.Count)
            {
                var rate = (i + 1) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {i + 1}/{files.Count} images ({encoded} encoded, {cached} from the cache), {rate:0.0} images/s, ETA {(files.Count - i - 1) / rate:0} s"));
            }
        }

        return vectors;
    }

    /// <summary>
    /// Every tissue tile's embedding of a whole slide (for slide-level pooling), cached like images. A slide's
    /// embeddings are small beside its pixels (9,000 tiles × 512 floats is 18 MB) and are what pooling needs whole.
    /// </summary>
    /// <exception cref="InvalidDataException">The slide has no tissue tile.</exception>
    public async Task<float[][]> EmbedTilesAsync(ModelRuntime model, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dimension = model.Package.Manifest.EmbeddingSize;
        var key = cacheRoot is null ? null : Path.Combine(cacheRoot, model.Package.Identity.Sha256[..16], Key(model, file) + ".tiles.f32");
        if (key is not null && File.Exists(key))
        {
            var flat = MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync(key, cancellationToken).ConfigureAwait(false)).ToArray();
            return Enumerable.Range(0, flat.Length / dimension).Select(i => flat.AsSpan(i * dimension, dimension).ToArray()).ToArray();
        }

        var capture = new TileEmbeddingsTask();
        using (var scratch = new ScratchDirectory())
        {
            await host.RunAsync(file, model, [new SlideTaskEntry(capture, "edgert", "eval", string.Empty)], scratch.Path, targetMicronsPerPixel, cancellationToken).ConfigureAwait(false);
        }

        var tiles = capture.Vectors.Count > 0 ? capture.Vectors.ToArray() : throw new InvalidDataException($"{file}: no tissue tile (tissue detection: {host.TissueDetector}).");
        if (key is not null)
        {
            AtomicFile.Write(key, tiles.SelectMany(v => MemoryMarshal.AsBytes(v.AsSpan()).ToArray()).ToArray());
        }

        return tiles;
    }

    private async Task<float[]> EncodeAsync(ModelRuntime model, string file, CancellationToken cancellationToken)
    {
        var capture = new QueryImageTask();
        using (var scratch = new ScratchDirectory())
        {
            await host.RunAsync(file, model, [new SlideTaskEntry(capture, "edgert", "eval", string.Empty)], scratch.Path, targetMicronsPerPixel, cancellationToken).ConfigureAwait(false);
        }

        return capture.Vector ?? throw new InvalidDataException($"{file}: no tile to embed (no tissue found; tissue detection: {host.TissueDetector}).");
    }

    // The embedding depends on the model, the image's bytes and how it is tiled; nothing else.
    private string Key(ModelRuntime model, string file)
    {
        using var stream = File.OpenRead(file);
        var content = Convert.ToHexStringLower(SHA256.HashData(stream));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{model.Package.Identity.Sha256}|{content}|{host.TilingKey(targetMicronsPerPixel)}")));
    }
}

using EdgeRuntime.Abstractions.Models;

namespace EdgeRuntime.Inference.Prompts;

/// <summary>
/// Class text embeddings computed once per (model, prompt set) and kept on disk, keyed by the model's
/// manifest hash and the prompt set's file hash: a changed model or prompt file gets new embeddings, an
/// unchanged one never pays for the text tower again. Files are written atomically.
/// </summary>
public sealed class TextEmbeddingCache(string directory)
{
    private static ReadOnlySpan<byte> Magic => "ERTE0001"u8;

    /// <summary>The class embeddings of <paramref name="prompts"/> under <paramref name="encoder"/>'s model, from cache or computed.</summary>
    public async ValueTask<float[]> GetAsync(ITextEncoder encoder, PromptSetFile prompts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(prompts);
        var classes = prompts.Set.Classes.Count;
        var dimension = encoder.Dimension;
        var path = Path.Combine(directory, $"{encoder.Model.Sha256[..16]}-{prompts.Sha256[..16]}.bin");
        if (TryRead(path, classes * dimension) is { } cached)
        {
            return cached;
        }

        var (texts, owner) = PromptEnsemble.Expand(prompts.Set);
        var embeddings = await encoder.EncodeAsync(texts, cancellationToken).ConfigureAwait(false);
        var result = PromptEnsemble.ClassEmbeddings(embeddings, owner, classes, dimension);
        Write(path, result);
        return result;
    }

    private static float[]? TryRead(string path, int count)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != Magic.Length + (count * sizeof(float)) || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return null; // a different shape or a damaged file: recompute rather than trust it
        }

        var values = new float[count];
        Buffer.BlockCopy(bytes, Magic.Length, values, 0, count * sizeof(float));
        return values;
    }

    private static void Write(string path, float[] values) => Foundation.Files.AtomicFile.Write(path, stream =>
    {
        stream.Write(Magic);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    });
}

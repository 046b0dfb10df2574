using EdgeRuntime.Inference.Packages;

namespace EdgeRuntime.Inference.Onnx;

/// <summary>
/// An embedding composed from an encoder's final tokens, as the families' model cards compute it: the class token,
/// the mean of the patch tokens (register tokens never included), or both concatenated (Virchow2).
/// </summary>
public static class TokenComposition
{
    /// <summary>
    /// Writes the <paramref name="how"/> embedding of each of <paramref name="count"/> images from
    /// <paramref name="tokens"/> ([image, token, width]) into <paramref name="destination"/> ([image, embedding]).
    /// </summary>
    public static void Compose(string how, TokensSpec layout, ReadOnlySpan<float> tokens, int count, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var width = layout.Width;
        var patches = layout.GridSize * layout.GridSize;
        var embedding = how == EmbeddingSpec.ClassPlusMeanPatch ? 2 * width : width;
        Span<double> sum = width <= 4096 ? stackalloc double[width] : new double[width];
        for (var i = 0; i < count; i++)
        {
            var image = tokens.Slice(i * layout.Count * width, layout.Count * width);
            var target = destination.Slice(i * embedding, embedding);
            if (how != EmbeddingSpec.MeanPatch)
            {
                image[..width].CopyTo(target);
            }

            if (how == EmbeddingSpec.ClassToken)
            {
                continue;
            }

            sum.Clear();
            for (var p = 0; p < patches; p++)
            {
                var token = image.Slice((layout.PrefixTokens + p) * width, width);
                for (var k = 0; k < width; k++)
                {
                    sum[k] += token[k];
                }
            }

            var mean = how == EmbeddingSpec.MeanPatch ? target : target[width..];
            for (var k = 0; k < width; k++)
            {
                mean[k] = (float)(sum[k] / patches);
            }
        }
    }
}

using System.Numerics.Tensors;
using EdgeRuntime.Engine.Models;
using EdgeRuntime.Inference.Onnx;

namespace EdgeRuntime.Validation.Embedding;

/// <summary>Unit text embeddings of captions by the model's text tower, in batches.</summary>
internal static class TextEmbeddings
{
    private const int Batch = 64;

    public static async Task<float[][]> EncodeAsync(ModelRuntime model, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var encoder = new OnnxTextEncoder(model.Package);
        var vectors = new List<float[]>(texts.Count);
        for (var start = 0; start < texts.Count; start += Batch)
        {
            var chunk = texts.Skip(start).Take(Batch).ToList();
            var flat = await encoder.EncodeAsync(chunk, cancellationToken).ConfigureAwait(false);
            var dimension = flat.Length / chunk.Count;
            for (var i = 0; i < chunk.Count; i++)
            {
                var v = flat.AsSpan(i * dimension, dimension).ToArray();
                TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
                vectors.Add(v);
            }
        }

        return [.. vectors];
    }
}

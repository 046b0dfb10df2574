using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeRuntime.Inference.Packages;

/// <summary>Compares an ONNX graph's declared inputs and outputs with what the manifest says of them.</summary>
internal static class OnnxSignature
{
    public static IEnumerable<string> CheckImage(InferenceSession session, ModelManifest m)
    {
        var e = m.ImageEncoder;
        var size = m.Preprocessing.InputSize;
        var type = e.EffectivePrecision == ImageEncoderSpec.HalfPrecision ? TensorElementType.Float16 : TensorElementType.Float;
        var outputs = new List<(string Key, string Name, int[] Shape, string Text)>();
        if (e.EmbeddingOutput is { } embedding)
        {
            outputs.Add(("embedding", embedding, [-1, m.EmbeddingSize], $"[batch, {m.EmbeddingSize}] (embeddingSize)"));
        }

        if (e.Tokens is { } tokens)
        {
            var text = $"[batch, {tokens.Count}, {tokens.Width}] (tokens: {tokens.PrefixTokens} prefix + {tokens.GridSize}² patches, width {tokens.Width})";
            outputs.Add(("tokens", tokens.Output, [-1, tokens.Count, tokens.Width], text));
            foreach (var dense in e.Dense ?? [])
            {
                outputs.Add(($"dense depth {dense.Depth}", dense.Output, [-1, tokens.Count, tokens.Width], text));
            }
        }

        if (!session.InputMetadata.TryGetValue(e.Input, out var input))
        {
            yield return $"{e.File}: no input named '{e.Input}' (it has {string.Join(", ", session.InputMetadata.Keys)}).";
        }
        else if (!ShapeMatches(input.Dimensions, [-1, 3, size, size]) || input.ElementDataType != type)
        {
            yield return $"{e.File}: input '{e.Input}' is {Shape(input.Dimensions)} {TypeName(input.ElementDataType)}; the manifest implies [batch, 3, {size}, {size}] {e.EffectivePrecision}.";
        }

        foreach (var (key, name, shape, text) in outputs)
        {
            if (!session.OutputMetadata.TryGetValue(name, out var output))
            {
                yield return $"{e.File}: no output named '{name}' for the {key} (it has {string.Join(", ", session.OutputMetadata.Keys)}).";
            }
            else if (!ShapeMatches(output.Dimensions, shape) || output.ElementDataType != type)
            {
                yield return $"{e.File}: output '{name}' is {Shape(output.Dimensions)} {TypeName(output.ElementDataType)}; the manifest implies {text} {e.EffectivePrecision}.";
            }
        }
    }

    public static IEnumerable<string> CheckText(InferenceSession session, ModelManifest m)
    {
        if (m.TextEncoder is null || m.Tokenizer is null)
        {
            return []; // a vision-only package: the manifest's check says it has no text tower
        }

        var context = m.Tokenizer.ContextLength;
        var problems = Check(session, m.TextEncoder, m.EmbeddingSize, [-1, context], $"[batch, {context}] int64").ToList();
        var mask = m.TextEncoder.AttentionMask;
        var undeclared = session.InputMetadata.Keys.Where(k => k != m.TextEncoder.Input && k != mask).ToList();
        if (mask is not null)
        {
            if (!session.InputMetadata.TryGetValue(mask, out var input))
            {
                problems.Add($"{m.TextEncoder.File}: no input named '{mask}' (textEncoder.attentionMask; it has {string.Join(", ", session.InputMetadata.Keys)}).");
            }
            else if (!ShapeMatches(input.Dimensions, [-1, context]))
            {
                problems.Add($"{m.TextEncoder.File}: input '{mask}' has shape {Shape(input.Dimensions)}; the manifest implies [batch, {context}] int64.");
            }
        }

        if (undeclared.Count > 0)
        {
            problems.Add($"{m.TextEncoder.File}: input '{undeclared[0]}' is not named in the manifest (an attention mask goes in textEncoder.attentionMask).");
        }

        return problems;
    }

    private static IEnumerable<string> Check(InferenceSession session, OnnxGraphSpec graph, int embeddingSize, int[] inputShape, string inputText)
    {
        if (!session.InputMetadata.TryGetValue(graph.Input, out var input))
        {
            yield return $"{graph.File}: no input named '{graph.Input}' (it has {string.Join(", ", session.InputMetadata.Keys)}).";
        }
        else if (!ShapeMatches(input.Dimensions, inputShape))
        {
            yield return $"{graph.File}: input '{graph.Input}' has shape {Shape(input.Dimensions)}; the manifest implies {inputText}.";
        }

        if (!session.OutputMetadata.TryGetValue(graph.Output, out var output))
        {
            yield return $"{graph.File}: no output named '{graph.Output}' (it has {string.Join(", ", session.OutputMetadata.Keys)}).";
        }
        else if (!ShapeMatches(output.Dimensions, [-1, embeddingSize]))
        {
            yield return $"{graph.File}: output '{graph.Output}' has shape {Shape(output.Dimensions)}; the manifest's embeddingSize is {embeddingSize}.";
        }
    }

    // −1 in the expected shape is the batch: any size, or dynamic. A dynamic dimension elsewhere is accepted too.
    private static bool ShapeMatches(int[] actual, int[] expected) =>
        actual.Length == expected.Length && actual.Zip(expected).All(p => p.Second == -1 || p.First == -1 || p.First == p.Second);

    private static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string Shape(int[] dims) => "[" + string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}

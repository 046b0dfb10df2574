using System.Globalization;

namespace EdgeRuntime.Inference.Packages;

/// <summary>
/// Format 2's rules on what a package holds: a vision-language model has both towers, a tokenizer and a logit scale,
/// a vision-only one none of them; the embedding is one named output or composed from the declared tokens, whose width
/// then matches embeddingSize; format 1 keeps its own shape (a vision-language model with a named output).
/// </summary>
internal static class ModelKindRules
{
    public static IEnumerable<string> Validate(ModelManifest m)
    {
        if (m.SchemaVersion == 1)
        {
            foreach (var key in Format2Keys(m))
            {
                yield return $"model.json: {key} needs schemaVersion 2.";
            }
        }
        else if (m.DeclaredKind is null)
        {
            yield return "model.json: kind is required (vision-language or vision-only).";
        }

        if (m.Kind is not (ModelManifest.VisionLanguage or ModelManifest.VisionOnly))
        {
            yield return $"model.json: kind '{m.Kind}' must be 'vision-language' or 'vision-only'.";
        }
        else if (m.HasTextTower)
        {
            foreach (var (key, present) in new[] { ("textEncoder", m.TextEncoder is not null), ("tokenizer", m.Tokenizer is not null), ("logitScale", m.DeclaredLogitScale is not null) })
            {
                if (!present)
                {
                    yield return $"model.json: {key} is required: the model is vision-language.";
                }
            }
        }
        else
        {
            foreach (var (key, present) in new[] { ("textEncoder", m.TextEncoder is not null), ("tokenizer", m.Tokenizer is not null), ("logitScale", m.DeclaredLogitScale is not null) })
            {
                if (present)
                {
                    yield return $"model.json: {key} must be absent: the model is vision-only (it has no text tower).";
                }
            }
        }

        if (m.DeclaredLogitScale is { } scale && !(scale is > 0 and <= ManifestLimits.MaxLogitScale))
        {
            yield return $"model.json: logitScale must be a positive number up to {ManifestLimits.MaxLogitScale.ToString(CultureInfo.InvariantCulture)} (is {scale.ToString(CultureInfo.InvariantCulture)}).";
        }

        // The tokenizer's keys per kind are TokenizerRules' to check.
        foreach (var problem in ImageEncoder(m))
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> ImageEncoder(ModelManifest m)
    {
        var e = m.ImageEncoder;
        if (e.Precision is not (null or ImageEncoderSpec.SinglePrecision or ImageEncoderSpec.HalfPrecision))
        {
            yield return $"model.json: imageEncoder.precision '{e.Precision}' must be 'float32' or 'float16'.";
        }

        if (m.SchemaVersion == 1)
        {
            if (e.Output is null)
            {
                yield return "model.json: imageEncoder.output is required.";
            }

            yield break;
        }

        if (e.Output is not null)
        {
            yield return "model.json: imageEncoder.output is format 1's key; format 2 writes imageEncoder.embedding.output.";
        }

        if (e.Embedding is not { } embedding || (embedding.Output is null) == (embedding.Compose is null))
        {
            yield return "model.json: imageEncoder.embedding needs exactly one of 'output' or 'compose'.";
        }
        else if (embedding.Compose is { } compose)
        {
            if (compose is not (EmbeddingSpec.ClassToken or EmbeddingSpec.MeanPatch or EmbeddingSpec.ClassPlusMeanPatch))
            {
                yield return $"model.json: imageEncoder.embedding.compose '{compose}' must be 'class-token', 'mean-patch' or 'class-plus-mean-patch'.";
            }
            else if (e.Tokens is not { } tokens)
            {
                yield return $"model.json: imageEncoder.embedding.compose '{compose}' needs imageEncoder.tokens.";
            }
            else
            {
                if (compose != EmbeddingSpec.MeanPatch && !tokens.ClassToken)
                {
                    yield return $"model.json: imageEncoder.embedding.compose '{compose}' needs a class token (imageEncoder.tokens.classToken is false).";
                }

                var width = compose == EmbeddingSpec.ClassPlusMeanPatch ? 2 * tokens.Width : tokens.Width;
                if (width != m.EmbeddingSize)
                {
                    yield return $"model.json: embeddingSize {m.EmbeddingSize} is not the composed width {width} ('{compose}' of tokens {tokens.Width} wide).";
                }
            }
        }

        if (e.Dense is { Count: > 0 } && e.Tokens is null)
        {
            yield return "model.json: imageEncoder.dense needs imageEncoder.tokens (the layout its outputs share).";
        }

        if (e.Tokens is { } t)
        {
            foreach (var (key, value, low, high) in new[] { ("gridSize", t.GridSize, 1, ManifestLimits.MaxGridSize), ("width", t.Width, 1, ManifestLimits.MaxEmbeddingWidth), ("registerTokens", t.RegisterTokens, 0, ManifestLimits.MaxRegisterTokens) })
            {
                if (value < low || value > high)
                {
                    yield return $"model.json: imageEncoder.tokens.{key} must be from {low} to {high} (is {value}).";
                }
            }
        }

        foreach (var (dense, i) in (e.Dense ?? []).Select((d, i) => (d, i)))
        {
            if (dense.Depth is <= 0 or > ManifestLimits.MaxDepth)
            {
                yield return $"model.json: imageEncoder.dense[{i}].depth must be from 1 to {ManifestLimits.MaxDepth} (is {dense.Depth}).";
            }
        }
    }

    private static IEnumerable<string> Format2Keys(ModelManifest m)
    {
        if (m.DeclaredKind is not null)
        {
            yield return "kind";
        }

        if (m.Terms is not null)
        {
            yield return "terms";
        }

        if (m.ImageEncoder.Embedding is not null)
        {
            yield return "imageEncoder.embedding";
        }

        if (m.ImageEncoder.Tokens is not null)
        {
            yield return "imageEncoder.tokens";
        }

        if (m.ImageEncoder.Dense is not null)
        {
            yield return "imageEncoder.dense";
        }

        if (m.ImageEncoder.Precision is not null)
        {
            yield return "imageEncoder.precision";
        }

        if (m.Preprocessing.ResizeTo is not null)
        {
            yield return "preprocessing.resizeTo";
        }
    }
}

namespace EdgeRuntime.Inference.ZeroShot;

/// <summary>
/// Zero-shot classification of an image embedding against class text embeddings: cosine of the L2-normalised
/// vectors, logits = logit scale × cosine, probabilities = softmax of the logits.
/// </summary>
public sealed class ZeroShotClassifier
{
    private readonly float[] classEmbeddings;

    /// <summary>Creates a classifier over L2-normalised class embeddings [classes × dimension].</summary>
    public ZeroShotClassifier(float[] classEmbeddings, int classes, double logitScale)
    {
        ArgumentNullException.ThrowIfNull(classEmbeddings);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (classEmbeddings.Length % classes != 0)
        {
            throw new ArgumentException($"{classEmbeddings.Length} values are not {classes} embeddings of equal length.", nameof(classEmbeddings));
        }

        this.classEmbeddings = classEmbeddings;
        Classes = classes;
        Dimension = classEmbeddings.Length / classes;
        LogitScale = logitScale;
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Embedding length.</summary>
    public int Dimension { get; }

    /// <summary>The model's logit scale.</summary>
    public double LogitScale { get; }

    /// <summary>Writes the logits of <paramref name="embedding"/> (not necessarily normalised) into <paramref name="logits"/>.</summary>
    public void Logits(ReadOnlySpan<float> embedding, Span<double> logits)
    {
        var norm = Prompts.PromptEnsemble.Norm(embedding);
        for (var c = 0; c < Classes; c++)
        {
            var text = classEmbeddings.AsSpan(c * Dimension, Dimension);
            double dot = 0;
            for (var d = 0; d < Dimension; d++)
            {
                dot += embedding[d] * (double)text[d];
            }

            logits[c] = LogitScale * (norm > 0 ? dot / norm : 0);
        }
    }

    /// <summary>Softmax in place, stable for large logits.</summary>
    public static void Softmax(Span<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Exp(values[i] - max);
            sum += values[i];
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] /= sum;
        }
    }

    /// <summary>Index of the largest value; the first on ties.</summary>
    public static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

namespace EdgeRuntime.TaskKit.ZeroShot;

/// <summary>
/// Zero-shot classification of an image embedding against class text embeddings: cosine of the L2-normalised
/// vectors, logits = logit scale × cosine, probabilities = softmax of the logits.
/// </summary>
public sealed class ZeroShotClassifier
{
    private readonly ReadOnlyMemory<float> classEmbeddings;

    /// <summary>Creates a classifier over the prompt set's classes, as the host gives them to a task.</summary>
    public ZeroShotClassifier(Abstractions.Tasks.PromptClasses classes)
        : this((classes ?? throw new ArgumentNullException(nameof(classes))).Embeddings, classes.Names.Count, classes.LogitScale)
    {
    }

    /// <summary>Creates a classifier over a class set: a prompt set's text embeddings (zero-shot) or a prototype set's image embeddings (few-shot).</summary>
    public ZeroShotClassifier(Abstractions.Tasks.ClassSet classes)
        : this((classes ?? throw new ArgumentNullException(nameof(classes))).Embeddings, classes.Names.Count, classes.LogitScale)
    {
    }

    /// <summary>Creates a classifier over L2-normalised class embeddings [classes × dimension].</summary>
    public ZeroShotClassifier(ReadOnlyMemory<float> classEmbeddings, int classes, double logitScale)
    {
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
        double squares = 0;
        foreach (var v in embedding)
        {
            squares += v * (double)v;
        }

        var norm = Math.Sqrt(squares);
        var all = classEmbeddings.Span;
        for (var c = 0; c < Classes; c++)
        {
            var text = all.Slice(c * Dimension, Dimension);
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

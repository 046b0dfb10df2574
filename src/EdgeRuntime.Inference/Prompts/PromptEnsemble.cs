namespace EdgeRuntime.Inference.Prompts;

/// <summary>
/// Prompt ensembling as CONCH and PLIP do it: a class's text embedding is the mean of the L2-normalised
/// embeddings of all its prompts (templates × synonyms), normalised again.
/// </summary>
public static class PromptEnsemble
{
    /// <summary>The prompts of <paramref name="set"/>, class by class; <c>Owner[i]</c> is the class of prompt i.</summary>
    public static (IReadOnlyList<string> Prompts, IReadOnlyList<int> Owner) Expand(PromptSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var prompts = new List<string>();
        var owner = new List<int>();
        for (var c = 0; c < set.Classes.Count; c++)
        {
            foreach (var synonym in set.Classes[c].Synonyms)
            {
                foreach (var template in set.Templates)
                {
                    prompts.Add(template.Replace("{}", synonym, StringComparison.Ordinal));
                    owner.Add(c);
                }
            }
        }

        return (prompts, owner);
    }

    /// <summary>
    /// Class embeddings [classes × dimension] from prompt embeddings [prompts × dimension] and each prompt's class.
    /// </summary>
    public static float[] ClassEmbeddings(ReadOnlySpan<float> promptEmbeddings, IReadOnlyList<int> owner, int classes, int dimension)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var sums = new double[classes * dimension];
        for (var p = 0; p < owner.Count; p++)
        {
            var vector = promptEmbeddings.Slice(p * dimension, dimension);
            var norm = Norm(vector);
            var target = sums.AsSpan(owner[p] * dimension, dimension);
            for (var d = 0; d < dimension; d++)
            {
                target[d] += vector[d] / norm;
            }
        }

        var result = new float[classes * dimension];
        for (var c = 0; c < classes; c++)
        {
            var sum = sums.AsSpan(c * dimension, dimension);
            double norm = 0;
            foreach (var v in sum)
            {
                norm += v * v;
            }

            norm = Math.Sqrt(norm);
            for (var d = 0; d < dimension; d++)
            {
                // The mean's normalisation equals the sum's: dividing by the count cancels out.
                result[(c * dimension) + d] = (float)(sum[d] / norm);
            }
        }

        return result;
    }

    internal static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += v * (double)v;
        }

        return Math.Sqrt(sum);
    }
}

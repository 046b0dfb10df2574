namespace EdgeRuntime.Inference.Prototypes;

/// <summary>
/// A class's prototype: the normalised mean of its examples' unit image embeddings, as few-shot prototype
/// classifiers define it. <c>edgert prototypes build</c> and <c>edgert eval few-shot</c> both use this one.
/// </summary>
public static class PrototypeMean
{
    /// <summary>Writes the unit mean of <paramref name="unitVectors"/> into <paramref name="into"/> (its length is the embedding's).</summary>
    /// <exception cref="ArgumentException">No example, one of another length, or examples that cancel out (a zero mean).</exception>
    public static void Into(IEnumerable<float[]> unitVectors, Span<float> into)
    {
        ArgumentNullException.ThrowIfNull(unitVectors);
        // Summed in double: thousands of examples in float would lose the small components.
        var sum = new double[into.Length];
        var count = 0;
        foreach (var v in unitVectors)
        {
            if (v.Length != sum.Length)
            {
                throw new ArgumentException($"an example has {v.Length} values; the prototype has {sum.Length}.", nameof(unitVectors));
            }

            for (var d = 0; d < sum.Length; d++)
            {
                sum[d] += v[d];
            }

            count++;
        }

        var norm = Math.Sqrt(sum.Sum(x => x * x));
        if (count == 0 || !(norm > 0))
        {
            throw new ArgumentException(count == 0 ? "a prototype needs at least one example." : "the examples cancel out: their mean is zero.", nameof(unitVectors));
        }

        for (var d = 0; d < sum.Length; d++)
        {
            into[d] = (float)(sum[d] / norm);
        }
    }

    /// <summary>The unit mean of <paramref name="unitVectors"/>, <paramref name="dimension"/> wide.</summary>
    public static float[] Of(IEnumerable<float[]> unitVectors, int dimension)
    {
        var prototype = new float[dimension];
        Into(unitVectors, prototype);
        return prototype;
    }
}

namespace EdgeRuntime.TaskKit.ZeroShot;

/// <summary>
/// Slide-level zero-shot tags from tile scores, without holding every tile: the share of tiles whose top
/// class is each class, and MI-Zero's top-K mean pooling (a class's slide score is the mean of its K highest
/// tile logits; the slide's probabilities are the softmax of those pooled scores).
/// </summary>
public sealed class SlideTagAggregator
{
    private readonly PriorityQueue<double, double>[] topK;
    private readonly long[] topCounts;

    /// <summary>Creates an aggregator for <paramref name="classes"/> classes pooling the top <paramref name="k"/> tiles.</summary>
    public SlideTagAggregator(int classes, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
        topK = Enumerable.Range(0, classes).Select(_ => new PriorityQueue<double, double>(k + 1)).ToArray();
        topCounts = new long[classes];
    }

    /// <summary>Tiles pooled per class.</summary>
    public int K { get; }

    /// <summary>Tiles seen.</summary>
    public long Tiles { get; private set; }

    /// <summary>Adds one tile's logits (logit scale × cosine per class).</summary>
    public void Add(ReadOnlySpan<double> logits)
    {
        Tiles++;
        topCounts[ZeroShotClassifier.ArgMax(logits)]++;
        for (var c = 0; c < topK.Length; c++)
        {
            // A min-heap of the K largest: the smallest of them leaves when a larger one arrives.
            var heap = topK[c];
            heap.Enqueue(logits[c], logits[c]);
            if (heap.Count > K)
            {
                heap.Dequeue();
            }
        }
    }

    /// <summary>Share of tiles whose top class is each class.</summary>
    public double[] ClassFractions() => topCounts.Select(n => Tiles == 0 ? 0.0 : (double)n / Tiles).ToArray();

    /// <summary>Each class's mean of its top-K tile logits (fewer than K when the slide has fewer tiles).</summary>
    /// <remarks>
    /// Summed in sorted order: the heap's layout depends on the order tiles arrived in, which parallel readers vary,
    /// and a floating-point sum in that order would differ in its last bits between two runs of the same slide.
    /// </remarks>
    public double[] PooledLogits() => topK.Select(h => h.Count == 0 ? 0.0 : h.UnorderedItems.Select(i => i.Element).Order().Average()).ToArray();

    /// <summary>Softmax of <see cref="PooledLogits"/>: the slide's class probabilities.</summary>
    public double[] SlideProbabilities()
    {
        var pooled = PooledLogits();
        ZeroShotClassifier.Softmax(pooled);
        return pooled;
    }
}

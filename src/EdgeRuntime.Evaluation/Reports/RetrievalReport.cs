using System.Text.Json.Nodes;
using EdgeRuntime.Evaluation.Metrics;

namespace EdgeRuntime.Evaluation.Reports;

/// <summary>
/// Recall@K of cross-modal and same-class retrieval over unit embeddings (cosine), with 95 % bootstrap intervals
/// over the queries and the chance level of each K, as JSON.
/// </summary>
public static class RetrievalReport
{
    /// <summary>How cross-modal hits are counted, as reports state it.</summary>
    public const string CaptionRule =
        "captions are compared as text: identical captions are one query (text→image), whose hit is any image that any of them describes, "
        + "and one candidate (image→text), a hit for every image it describes";

    /// <summary>
    /// Text → image (a caption finds an image it describes) and image → text (an image finds any of its captions),
    /// over distinct caption texts: identical captions have identical embeddings, so scored as separate rows they
    /// would be one ranking counted many times, and only one of them could find "its" image first. Grouped, each
    /// text is one query whose relevant images are all those it describes, and one candidate for image → text.
    /// </summary>
    /// <param name="images">Unit image embeddings.</param>
    /// <param name="texts">Unit embeddings of the distinct caption texts.</param>
    /// <param name="imagesOfText">For each text, the images it describes.</param>
    /// <param name="captionRows">Caption rows of the dataset (duplicates included), for the report.</param>
    /// <param name="ks">The K of Recall@K.</param>
    /// <param name="seed">Seeds the bootstrap.</param>
    /// <param name="resamples">Bootstrap resamples (0: no intervals).</param>
    public static JsonObject CrossModal(IReadOnlyList<float[]> images, IReadOnlyList<float[]> texts, IReadOnlyList<IReadOnlyList<int>> imagesOfText, int captionRows, IReadOnlyList<int> ks, int seed, int resamples)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(imagesOfText);
        var described = imagesOfText.Select(i => i.ToHashSet()).ToList();
        var textsOfImage = Enumerable.Range(0, images.Count).Select(i => described.Count(d => d.Contains(i))).ToArray();
        var textToImage = texts.Select(t => images.Select(i => Dot(t, i)).ToArray()).ToList();
        var imageToText = images.Select(i => texts.Select(t => Dot(t, i)).ToArray()).ToList();
        return new JsonObject
        {
            ["textToImage"] = Recalls(textToImage, (q, c) => described[q].Contains(c), ks, seed, resamples, images.Count, q => described[q].Count),
            ["imageToText"] = Recalls(imageToText, (q, c) => described[c].Contains(q), ks, seed, resamples, texts.Count, q => textsOfImage[q]),
            ["images"] = images.Count,
            ["captions"] = captionRows,
            ["distinctCaptions"] = texts.Count,
            ["duplicateCaptions"] = captionRows - texts.Count,
            ["scoring"] = CaptionRule,
        };
    }

    /// <summary>Image → image: each image queries the others; a hit is one of the same class.</summary>
    public static JsonObject SameClass(IReadOnlyList<float[]> images, IReadOnlyList<int> labels, IReadOnlyList<int> ks, int seed, int resamples)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        // A query never finds itself: its own score is pushed below every other.
        var scores = images.Select((q, qi) => images.Select((c, ci) => ci == qi ? double.NegativeInfinity : Dot(q, c)).ToArray()).ToList();
        return new JsonObject
        {
            ["imageToImage"] = Recalls(scores, (q, c) => q != c && labels[q] == labels[c], ks, seed, resamples, images.Count - 1, q => labels.Count(l => l == labels[q]) - 1),
            ["images"] = images.Count,
        };
    }

    private static JsonObject Recalls(List<double[]> scores, Func<int, int, bool> relevant, IReadOnlyList<int> ks, int seed, int resamples, int candidates, Func<int, int> relevantCount)
    {
        var result = new JsonObject();
        foreach (var k in ks)
        {
            var hits = Enumerable.Range(0, scores.Count).Select(q => RecallAtK.Of([scores[q]], (_, c) => relevant(q, c), k)).ToArray();
            var entry = new JsonObject
            {
                ["value"] = hits.Average(),
                // The chance a random ranking puts at least one of a query's r relevant among the first k of n.
                ["chance"] = Enumerable.Range(0, scores.Count).Average(q => Chance(candidates, relevantCount(q), k)),
            };
            if (resamples > 0)
            {
                var (low, high) = Bootstrap.Interval(hits.Length, ix => ix.Average(i => hits[i]), seed, resamples);
                entry["ci95"] = new JsonArray(low, high);
            }

            result[$"recall@{k}"] = entry;
        }

        return result;
    }

    // 1 − C(n − r, k) / C(n, k), as a product so that it does not overflow.
    private static double Chance(int n, int r, int k)
    {
        if (r <= 0)
        {
            return 0;
        }

        if (k >= n)
        {
            return 1;
        }

        var none = 1.0;
        for (var i = 0; i < k; i++)
        {
            none *= (double)(n - r - i) / (n - i);
            if (none <= 0)
            {
                return 1;
            }
        }

        return 1 - none;
    }

    private static double Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
}

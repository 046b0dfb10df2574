using System.Globalization;
using EdgeRuntime.Evaluation.Datasets;
using EdgeRuntime.Evaluation.Metrics;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Slides;
using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// The int8 gate's labelled-set condition (<c>Int8LabelledSet</c>): every image of the site's labelled set is
/// classified few-shot, against the class means of the other images (leave one out: no prompt set is needed, so it
/// serves vision-only models too), once with float embeddings and once with int8's. int8 passes if its accuracy lies
/// within float's 95 % bootstrap interval, the interval <c>edgert eval</c> reports.
/// </summary>
internal static class LabelledSetCheck
{
    public const double Confidence = 0.95;

    // Bounds the gate's time and memory on a site's set: a gate is a check, not an evaluation.
    private const int MaxImages = 2000;
    private const int MaxSide = 4096;

    // Fixed, so that the same set judged twice gives the same interval.
    private const int Seed = 0;

    public static LabelledAgreement Judge(string set, OnnxImageEncoder reference, OnnxImageEncoder candidate)
    {
        TileDataset dataset;
        try
        {
            dataset = TileDataset.Load(set);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Refused(set, 0, e.Message);
        }

        var images = dataset.Images;
        var classes = dataset.Labels;
        if (images.Count > MaxImages)
        {
            return Refused(set, images.Count, string.Create(CultureInfo.InvariantCulture, $"{set}: {images.Count} images; the gate classifies at most {MaxImages} (give it a smaller set)"));
        }

        if (classes.FirstOrDefault(c => images.Count(i => i.Label == c) < 2) is { } lone)
        {
            return Refused(set, images.Count, $"{set}: class '{lone}' has fewer than 2 images (each image is classified against the other images' class means)");
        }

        var opener = new SlideOpener(new SlideReadingOptions());
        var floats = new float[images.Count][];
        var int8s = new float[images.Count][];
        for (var i = 0; i < images.Count; i++)
        {
            try
            {
                using var image = opener.Open(images[i].Path);
                var level = image.Info.Levels[0];
                if (level.Width > MaxSide || level.Height > MaxSide)
                {
                    return Refused(set, images.Count, string.Create(CultureInfo.InvariantCulture, $"{images[i].Path}: {level.Width} × {level.Height} px; the gate's labelled images are tiles of at most {MaxSide} px a side"));
                }

                var (width, height) = ((int)level.Width, (int)level.Height);
                var rgb = new byte[width * height * 3];
                image.ReadRegion(0, 0, 0, width, height, rgb);
                floats[i] = Unit(reference.EncodeImage(rgb, width, height));
                int8s[i] = Unit(candidate.EncodeImage(rgb, width, height));
            }
            catch (Exception e) when (e is SlideException or IOException or UnauthorizedAccessException)
            {
                return Refused(set, images.Count, $"{images[i].Path}: {e.Message}");
            }
        }

        var truth = images.Select(i => IndexOf(classes, i.Label)).ToArray();
        var floatCorrect = LeaveOneOut(floats, truth, classes.Count);
        var int8Correct = LeaveOneOut(int8s, truth, classes.Count);
        var (low, high) = Bootstrap.Interval(images.Count, ix => ix.Average(i => floatCorrect[i]), Seed, alpha: 1 - Confidence);
        return new LabelledAgreement(set, images.Count, floatCorrect.Average(), low, high, Confidence, int8Correct.Average(), null);
    }

    private static LabelledAgreement Refused(string set, int images, string problem) =>
        new(set, images, double.NaN, double.NaN, double.NaN, Confidence, double.NaN, problem);

    private static int IndexOf(IReadOnlyList<string> classes, string label)
    {
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c] == label)
            {
                return c;
            }
        }

        return -1;
    }

    // 1 where an image's nearest class mean (its own image left out of its class's) is its class, else 0.
    private static double[] LeaveOneOut(float[][] vectors, int[] truth, int classCount)
    {
        var dimension = vectors[0].Length;
        var sums = new double[classCount, dimension];
        for (var i = 0; i < vectors.Length; i++)
        {
            for (var d = 0; d < dimension; d++)
            {
                sums[truth[i], d] += vectors[i][d];
            }
        }

        var correct = new double[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            var (best, bestScore) = (-1, double.NegativeInfinity);
            for (var c = 0; c < classCount; c++)
            {
                double dot = 0, norm = 0;
                for (var d = 0; d < dimension; d++)
                {
                    var mean = sums[c, d] - (c == truth[i] ? vectors[i][d] : 0);
                    dot += mean * vectors[i][d];
                    norm += mean * mean;
                }

                var score = norm > 0 ? dot / Math.Sqrt(norm) : double.NegativeInfinity;
                if (score > bestScore)
                {
                    (best, bestScore) = (c, score);
                }
            }

            correct[i] = best == truth[i] ? 1 : 0;
        }

        return correct;
    }

    private static float[] Unit(float[] v)
    {
        var norm = Math.Sqrt(v.Sum(x => (double)x * x));
        return norm > 0 ? [.. v.Select(x => (float)(x / norm))] : v;
    }
}

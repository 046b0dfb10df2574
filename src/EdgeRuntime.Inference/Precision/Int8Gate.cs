using System.Globalization;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// Judges an int8 copy against the package's float image encoder: each gate tile is encoded by both, and every
/// tile's cosine between the two embeddings must reach the bound; the copy must encode the gate tiles at least
/// <c>Int8MinSpeedup</c> times as fast as float (timed side by side, <see cref="EncoderSpeed"/>); and where a
/// labelled set is configured, its few-shot accuracy must lie within float's bootstrap interval
/// (<see cref="LabelledSetCheck"/>). The gate says what it measured whether it passes or not, and why it failed.
/// </summary>
internal static class Int8Gate
{
    public static async Task<GateOutcome> JudgeAsync(ModelPackage package, InferenceSession int8, IReadOnlyList<byte[]> tiles, IReadOnlyList<string> sources, InferenceOptions options, string floatSha256, string int8Sha256, CancellationToken cancellationToken)
    {
        var bound = options.Int8CosineBound;
        if (tiles.Count == 0)
        {
            return new GateOutcome(false, "no gate tiles: none of the gate slides could be read (EdgeRuntime:Inference:Int8GateSlides)", 0, double.NaN, double.NaN, bound, sources, floatSha256, int8Sha256) { MinSpeedUp = options.Int8MinSpeedup };
        }

        var inv = CultureInfo.InvariantCulture;
        var size = package.Manifest.Tiling.TileSize;
        using var reference = new OnnxImageEncoder(package, 1, package.ImageSession);
        using var candidate = new OnnxImageEncoder(package, 1, int8);
        var cosines = new double[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            cosines[i] = Cosine(reference.EncodeImage(tiles[i], size, size), candidate.EncodeImage(tiles[i], size, size));
        }

        var min = cosines.Min();
        var mean = cosines.Average();
        var below = cosines.Count(c => !(c >= bound));
        var failures = new List<string>();
        if (below > 0)
        {
            failures.Add($"{below} of {tiles.Count} tiles have a cosine to float below the bound {bound.ToString(inv)} (lowest {min.ToString("F5", inv)})");
        }

        var speedUp = await EncoderSpeed.SpeedUpAsync(package, int8, tiles, cancellationToken).ConfigureAwait(false);
        if (!(speedUp >= options.Int8MinSpeedup))
        {
            failures.Add(string.Create(inv, $"int8 encodes the gate tiles {speedUp:F2} times as fast as float, below the minimum speed-up {options.Int8MinSpeedup} (EdgeRuntime:Inference:Int8MinSpeedup)"));
        }

        LabelledAgreement? labelled = null;
        if (options.Int8LabelledSet is { Length: > 0 } set)
        {
            labelled = LabelledSetCheck.Judge(set, reference, candidate);
            if (labelled.Problem is { } problem)
            {
                failures.Add($"the labelled set could not be used: {problem} (EdgeRuntime:Inference:Int8LabelledSet)");
            }
            else if (!labelled.Passed)
            {
                failures.Add(string.Create(inv, $"int8's few-shot accuracy on the labelled set, {labelled.Int8Accuracy:F3}, is outside float's {labelled.Confidence:P0} bootstrap interval [{labelled.FloatLow:F3}, {labelled.FloatHigh:F3}] (float {labelled.FloatAccuracy:F3}, {labelled.Images} images)"));
            }
        }

        var reason = failures.Count == 0
            ? string.Create(inv, $"every tile's cosine to float is at least {bound}, int8 is {speedUp:F2} times as fast (minimum {options.Int8MinSpeedup})")
                + (labelled is null ? string.Empty : string.Create(inv, $", and its few-shot accuracy on the labelled set, {labelled.Int8Accuracy:F3}, is within float's interval [{labelled.FloatLow:F3}, {labelled.FloatHigh:F3}]"))
            : string.Join("; ", failures);
        return new GateOutcome(failures.Count == 0, reason, tiles.Count, min, mean, bound, sources, floatSha256, int8Sha256)
        {
            SpeedUp = speedUp,
            MinSpeedUp = options.Int8MinSpeedup,
            Labelled = labelled,
        };
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : double.NaN;
    }
}

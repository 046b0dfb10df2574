using System.Globalization;
using EdgeRuntime.Inference.Onnx;
using EdgeRuntime.Inference.Packages;
using Microsoft.ML.OnnxRuntime;

namespace EdgeRuntime.Inference.Precision;

/// <summary>
/// Judges an int8 copy against the package's float image encoder: each gate tile is encoded by both, and every
/// tile's cosine between the two embeddings must reach the bound. The gate says what it measured whether it passes
/// or not, and why it failed.
/// </summary>
internal static class Int8Gate
{
    public static GateOutcome Judge(ModelPackage package, InferenceSession int8, IReadOnlyList<byte[]> tiles, IReadOnlyList<string> sources, double bound, string floatSha256, string int8Sha256)
    {
        if (tiles.Count == 0)
        {
            return new GateOutcome(false, "no gate tiles: none of the gate slides could be read (EdgeRuntime:Inference:Int8GateSlides)", 0, double.NaN, double.NaN, bound, sources, floatSha256, int8Sha256);
        }

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
        var reason = below == 0
            ? $"every tile's cosine to float is at least {bound.ToString(CultureInfo.InvariantCulture)}"
            : $"{below} of {tiles.Count} tiles have a cosine to float below the bound {bound.ToString(CultureInfo.InvariantCulture)} (lowest {min.ToString("F5", CultureInfo.InvariantCulture)})";
        return new GateOutcome(below == 0, reason, tiles.Count, min, mean, bound, sources, floatSha256, int8Sha256);
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

using System.Globalization;

namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// One image's cell metrics and the counts the dataset's figures sum, by the published definitions: HoVer-Net's
/// (Graham et al. 2019, <c>metrics/stats_utils.py</c> and <c>compute_stats.py</c>) for Dice, AJI, AJI+, DQ/SQ/PQ
/// and the centroid pairing, PanNuke's for which images a PQ is defined on, CoNIC's for the summed mPQ+.
/// </summary>
public sealed class CellImageStats
{
    private CellImageStats(string name, int classes)
    {
        Name = name;
        ClassPq = new double[classes];
        ClassTruePositives = new int[classes];
        ClassTrueCount = new int[classes];
        ClassPredictedCount = new int[classes];
        ClassIouSum = new double[classes];
        TypeBoth = new int[classes];
        TypeFalsePositive = new int[classes];
        TypeFalseNegative = new int[classes];
        TypeUnpairedPredicted = new int[classes];
        TypeUnpairedTrue = new int[classes];
    }

    /// <summary>The sample's name.</summary>
    public string Name { get; }

    /// <summary>True nuclei.</summary>
    public int TrueCount { get; private set; }

    /// <summary>Predicted nuclei.</summary>
    public int PredictedCount { get; private set; }

    /// <summary>Centroid pairs within the radius (detection true positives).</summary>
    public int Detected { get; private set; }

    /// <summary>Paired nuclei whose classes agree.</summary>
    public int TypeAgreements { get; private set; }

    /// <summary>Binary Dice of nucleus pixels; NaN when neither map has any.</summary>
    public double Dice { get; private set; }

    /// <summary>Aggregated Jaccard index (Kumar et al. 2017); NaN when neither map has a nucleus.</summary>
    public double Aji { get; private set; }

    /// <summary>AJI+ (one-to-one pairing, Graham et al. 2019); NaN when neither map has a nucleus.</summary>
    public double AjiPlus { get; private set; }

    /// <summary>Detection quality of all nuclei as one class; NaN when the truth has none (PanNuke's rule).</summary>
    public double Dq { get; private set; }

    /// <summary>Segmentation quality (mean IoU of pairs); NaN when the truth has none.</summary>
    public double Sq { get; private set; }

    /// <summary>Binary panoptic quality DQ × SQ; NaN when the truth has none.</summary>
    public double Bpq { get; private set; }

    /// <summary>PQ per class (index c − 1); NaN where the truth has no nucleus of the class (PanNuke's rule).</summary>
    public double[] ClassPq { get; }

    /// <summary>IoU &gt; 0.5 pairs of the same class, per class.</summary>
    public int[] ClassTruePositives { get; }

    /// <summary>True nuclei per class.</summary>
    public int[] ClassTrueCount { get; }

    /// <summary>Predicted nuclei per class.</summary>
    public int[] ClassPredictedCount { get; }

    /// <summary>Summed IoU of the same-class pairs, per class.</summary>
    public double[] ClassIouSum { get; }

    /// <summary>Centroid pairs where both are the class.</summary>
    public int[] TypeBoth { get; }

    /// <summary>Centroid pairs predicted as the class, truly another.</summary>
    public int[] TypeFalsePositive { get; }

    /// <summary>Centroid pairs truly the class, predicted another.</summary>
    public int[] TypeFalseNegative { get; }

    /// <summary>Unpaired predictions of the class.</summary>
    public int[] TypeUnpairedPredicted { get; }

    /// <summary>Unpaired true nuclei of the class.</summary>
    public int[] TypeUnpairedTrue { get; }

    /// <summary>The image's mPQ: the mean of the classes' PQ where defined; NaN where none is.</summary>
    public double Mpq => NanMean(ClassPq);

    /// <summary>Compares <paramref name="prediction"/> with <paramref name="truth"/>.</summary>
    /// <param name="truth">The true nuclei.</param>
    /// <param name="prediction">The predicted nuclei, the same size.</param>
    /// <param name="classes">Number of classes (1 … classes; others are counted only in class-agnostic figures).</param>
    /// <param name="radius">Centroid pairing radius in pixels (HoVer-Net: 12 at 40×, 6 at 20×).</param>
    public static CellImageStats Of(CellSample truth, CellSample prediction, int classes, double radius)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (truth.Width != prediction.Width || truth.Height != prediction.Height)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"sample '{truth.Name}': the prediction is {prediction.Width}x{prediction.Height} but the truth {truth.Width}x{truth.Height}."));
        }

        var t = Instances.Of(truth);
        var p = Instances.Of(prediction);
        var stats = new CellImageStats(truth.Name, classes) { TrueCount = t.Count, PredictedCount = p.Count };

        // Pixel overlaps of every (true, predicted) pair that meets, and the binary Dice.
        var inter = new Dictionary<(int T, int P), long>();
        long both = 0, trueFg = 0, predFg = 0;
        for (var i = 0; i < t.Labels.Length; i++)
        {
            int a = t.Labels[i], b = p.Labels[i];
            trueFg += a > 0 ? 1 : 0;
            predFg += b > 0 ? 1 : 0;
            if (a > 0 && b > 0)
            {
                both++;
                inter[(a, b)] = inter.GetValueOrDefault((a, b)) + 1;
            }
        }

        stats.Dice = trueFg + predFg == 0 ? double.NaN : 2.0 * both / (trueFg + predFg);
        stats.Aji = AggregatedJaccard(t, p, inter);
        stats.AjiPlus = AggregatedJaccardPlus(t, p, inter);
        Panoptic(stats, t, p, inter, classes);
        Detection(stats, t, p, classes, radius);
        return stats;
    }

    internal static double NanMean(IEnumerable<double> values)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                sum += v;
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    // HoVer-Net's IoU for pairing in AJI and AJI+ carries 1e-6 in the union; kept so that pairings (ties) and sums agree.
    private static double GuardedIou(long inter, long union) => inter / (union + 1.0e-6);

    private static double AggregatedJaccard(Instances t, Instances p, Dictionary<(int T, int P), long> inter)
    {
        if (t.Count + p.Count == 0)
        {
            return double.NaN;
        }

        // Each true nucleus with its best-IoU prediction (the lowest number on a tie); a prediction may serve many.
        var best = new (int P, double Iou, long Inter)[t.Count + 1];
        foreach (var ((a, b), n) in inter)
        {
            var iou = GuardedIou(n, t.Area[a] + p.Area[b] - n);
            if (iou > best[a].Iou || (iou == best[a].Iou && b < best[a].P))
            {
                best[a] = (b, iou, n);
            }
        }

        double overallInter = 0, overallUnion = 0;
        var pairedPred = new bool[p.Count + 1];
        for (var a = 1; a <= t.Count; a++)
        {
            if (best[a].P == 0)
            {
                overallUnion += t.Area[a];
                continue;
            }

            overallInter += best[a].Inter;
            overallUnion += t.Area[a] + p.Area[best[a].P] - best[a].Inter;
            pairedPred[best[a].P] = true;
        }

        for (var b = 1; b <= p.Count; b++)
        {
            overallUnion += pairedPred[b] ? 0 : p.Area[b];
        }

        return overallInter / overallUnion;
    }

    private static double AggregatedJaccardPlus(Instances t, Instances p, Dictionary<(int T, int P), long> inter)
    {
        if (t.Count + p.Count == 0)
        {
            return double.NaN;
        }

        var cost = new double[t.Count, p.Count];
        foreach (var ((a, b), n) in inter)
        {
            cost[a - 1, b - 1] = -GuardedIou(n, t.Area[a] + p.Area[b] - n);
        }

        double overallInter = 0, overallUnion = 0;
        var pairedTrue = new bool[t.Count + 1];
        var pairedPred = new bool[p.Count + 1];
        foreach (var (r, c) in LinearAssignment.Solve(cost))
        {
            if (!(-cost[r, c] > 0))
            {
                continue;
            }

            var n = inter[(r + 1, c + 1)];
            overallInter += n;
            overallUnion += t.Area[r + 1] + p.Area[c + 1] - n;
            pairedTrue[r + 1] = pairedPred[c + 1] = true;
        }

        for (var a = 1; a <= t.Count; a++)
        {
            overallUnion += pairedTrue[a] ? 0 : t.Area[a];
        }

        for (var b = 1; b <= p.Count; b++)
        {
            overallUnion += pairedPred[b] ? 0 : p.Area[b];
        }

        return overallInter / overallUnion;
    }

    // Pairs at IoU > 0.5 are unique (Kirillov et al. 2019), so no assignment is needed; a class's pairs are the pairs
    // whose two nuclei both have that class.
    private static void Panoptic(CellImageStats stats, Instances t, Instances p, Dictionary<(int T, int P), long> inter, int classes)
    {
        var tp = 0;
        double iouSum = 0;
        for (var a = 1; a <= t.Count; a++)
        {
            if (t.Class[a] is var c && c >= 1 && c <= classes)
            {
                stats.ClassTrueCount[c - 1]++;
            }
        }

        for (var b = 1; b <= p.Count; b++)
        {
            if (p.Class[b] is var c && c >= 1 && c <= classes)
            {
                stats.ClassPredictedCount[c - 1]++;
            }
        }

        foreach (var ((a, b), n) in inter.OrderBy(kv => kv.Key.T).ThenBy(kv => kv.Key.P))
        {
            var iou = (double)n / (t.Area[a] + p.Area[b] - n);
            if (iou <= 0.5)
            {
                continue;
            }

            tp++;
            iouSum += iou;
            if (t.Class[a] == p.Class[b] && t.Class[a] >= 1 && t.Class[a] <= classes)
            {
                stats.ClassTruePositives[t.Class[a] - 1]++;
                stats.ClassIouSum[t.Class[a] - 1] += iou;
            }
        }

        (stats.Dq, stats.Sq, stats.Bpq) = t.Count == 0 ? (double.NaN, double.NaN, double.NaN) : Quality(tp, p.Count - tp, t.Count - tp, iouSum);
        for (var c = 0; c < classes; c++)
        {
            var ctp = stats.ClassTruePositives[c];
            stats.ClassPq[c] = stats.ClassTrueCount[c] == 0 ? double.NaN
                : Quality(ctp, stats.ClassPredictedCount[c] - ctp, stats.ClassTrueCount[c] - ctp, stats.ClassIouSum[c]).Pq;
        }
    }

    // HoVer-Net's get_fast_pq: DQ = TP / (TP + ½FP + ½FN), SQ = ΣIoU / (TP + 1e-6).
    private static (double Dq, double Sq, double Pq) Quality(int tp, int fp, int fn, double iouSum)
    {
        var dq = tp / (tp + (0.5 * fp) + (0.5 * fn));
        var sq = iouSum / (tp + 1.0e-6);
        return (dq, sq, dq * sq);
    }

    // HoVer-Net's pair_coordinates: the assignment of least total centroid distance over all pairs, then the pairs
    // farther apart than the radius dropped.
    private static void Detection(CellImageStats stats, Instances t, Instances p, int classes, double radius)
    {
        var cost = new double[t.Count, p.Count];
        for (var a = 1; a <= t.Count; a++)
        {
            for (var b = 1; b <= p.Count; b++)
            {
                var dx = t.CentroidX[a] - p.CentroidX[b];
                var dy = t.CentroidY[a] - p.CentroidY[b];
                cost[a - 1, b - 1] = Math.Sqrt((dx * dx) + (dy * dy));
            }
        }

        var pairedTrue = new bool[t.Count + 1];
        var pairedPred = new bool[p.Count + 1];
        foreach (var (r, c) in LinearAssignment.Solve(cost))
        {
            if (cost[r, c] > radius)
            {
                continue;
            }

            pairedTrue[r + 1] = pairedPred[c + 1] = true;
            stats.Detected++;
            int tc = t.Class[r + 1], pc = p.Class[c + 1];
            stats.TypeAgreements += tc == pc ? 1 : 0;
            for (var k = 1; k <= classes; k++)
            {
                stats.TypeBoth[k - 1] += tc == k && pc == k ? 1 : 0;
                stats.TypeFalsePositive[k - 1] += tc != k && pc == k ? 1 : 0;
                stats.TypeFalseNegative[k - 1] += tc == k && pc != k ? 1 : 0;
            }
        }

        for (var a = 1; a <= t.Count; a++)
        {
            if (!pairedTrue[a] && t.Class[a] >= 1 && t.Class[a] <= classes)
            {
                stats.TypeUnpairedTrue[t.Class[a] - 1]++;
            }
        }

        for (var b = 1; b <= p.Count; b++)
        {
            if (!pairedPred[b] && p.Class[b] >= 1 && p.Class[b] <= classes)
            {
                stats.TypeUnpairedPredicted[p.Class[b] - 1]++;
            }
        }
    }
}

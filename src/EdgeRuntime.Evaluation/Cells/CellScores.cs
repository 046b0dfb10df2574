namespace EdgeRuntime.Evaluation.Cells;

/// <summary>
/// A dataset's cell figures from its images' <see cref="CellImageStats"/> (any multiset of them, so that a bootstrap
/// resample is scored the same way): detection and per-class F1 from counts summed over the images (HoVer-Net's
/// <c>run_nuclei_type_stat</c>), Dice, AJI, AJI+, DQ, SQ and bPQ as the mean over the images where each is defined,
/// mPQ as PanNuke's mean of the images' class-averaged PQ, and CoNIC's mPQ+ from the counts summed per class.
/// </summary>
public static class CellScores
{
    /// <summary>The headline figures, in report order.</summary>
    public static readonly IReadOnlyList<string> Headline = ["detectionF1", "precision", "recall", "typeAccuracy", "dice", "aji", "ajiPlus", "dq", "sq", "bPQ", "mPQ", "mPQ+"];

    /// <summary>The figures of the images at <paramref name="indices"/>: the headline ones, then per class F1 and PQ.</summary>
    /// <param name="images">Every image's statistics.</param>
    /// <param name="indices">Which images (repeats allowed).</param>
    /// <param name="classNames">The classes 1 … n.</param>
    public static Dictionary<string, double> Of(IReadOnlyList<CellImageStats> images, IReadOnlyList<int> indices, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(classNames);
        var chosen = indices.Select(i => images[i]).ToList();
        long tp = chosen.Sum(s => (long)s.Detected);
        long fp = chosen.Sum(s => (long)(s.PredictedCount - s.Detected));
        long fn = chosen.Sum(s => (long)(s.TrueCount - s.Detected));
        long agree = chosen.Sum(s => (long)s.TypeAgreements);
        var scores = new Dictionary<string, double>
        {
            ["detectionF1"] = Ratio(2.0 * tp, (2.0 * tp) + fp + fn),
            ["precision"] = Ratio(tp, tp + fp),
            ["recall"] = Ratio(tp, tp + fn),
            ["typeAccuracy"] = Ratio(agree, tp),
            ["dice"] = CellImageStats.NanMean(chosen.Select(s => s.Dice)),
            ["aji"] = CellImageStats.NanMean(chosen.Select(s => s.Aji)),
            ["ajiPlus"] = CellImageStats.NanMean(chosen.Select(s => s.AjiPlus)),
            ["dq"] = CellImageStats.NanMean(chosen.Select(s => s.Dq)),
            ["sq"] = CellImageStats.NanMean(chosen.Select(s => s.Sq)),
            ["bPQ"] = CellImageStats.NanMean(chosen.Select(s => s.Bpq)),
            ["mPQ"] = CellImageStats.NanMean(chosen.Select(s => s.Mpq)),
        };

        var pqPlus = new double[classNames.Count];
        for (var c = 0; c < classNames.Count; c++)
        {
            // HoVer-Net's F_c with weights 2, 2, 1, 1: type errors among detected pairs count twice.
            double both = chosen.Sum(s => s.TypeBoth[c]), typeFp = chosen.Sum(s => s.TypeFalsePositive[c]), typeFn = chosen.Sum(s => s.TypeFalseNegative[c]);
            double missedFp = chosen.Sum(s => s.TypeUnpairedPredicted[c]), missedFn = chosen.Sum(s => s.TypeUnpairedTrue[c]);
            scores[$"F1 {classNames[c]}"] = Ratio(2 * both, (2 * both) + (2 * typeFp) + (2 * typeFn) + missedFp + missedFn);
            scores[$"PQ {classNames[c]}"] = CellImageStats.NanMean(chosen.Select(s => s.ClassPq[c]));

            // CoNIC: DQ and SQ of the class's counts summed over the images, each with its 1e-6 guard.
            double ctp = chosen.Sum(s => s.ClassTruePositives[c]);
            double cfp = chosen.Sum(s => s.ClassPredictedCount[c]) - ctp;
            double cfn = chosen.Sum(s => s.ClassTrueCount[c]) - ctp;
            var iou = chosen.Sum(s => s.ClassIouSum[c]);
            pqPlus[c] = ctp / (ctp + (0.5 * cfp) + (0.5 * cfn) + 1.0e-6) * (iou / (ctp + 1.0e-6));
            scores[$"PQ+ {classNames[c]}"] = pqPlus[c];
        }

        scores["mPQ+"] = classNames.Count == 0 ? double.NaN : pqPlus.Average();
        return scores;
    }

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? double.NaN : numerator / denominator;
}

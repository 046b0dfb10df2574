"""Detection figures of `edgert eval cells` (docs/cells.md, "Metrics") on centroids, for the training tool's
validation: HoVer-Net's pairing (Hungarian assignment of least total distance, pairs farther than the radius
dropped), detection F1 from the counts summed over the images, per-class F1 (HoVer-Net's F_c) and count errors."""
import numpy as np
from scipy.optimize import linear_sum_assignment


def pair(truth, found, radius):
    """truth, found: lists of (x, y, class). Returns the paired (truth index, found index) pairs."""
    if not truth or not found:
        return []
    t = np.array([(x, y) for x, y, _ in truth])
    f = np.array([(x, y) for x, y, _ in found])
    d = np.sqrt(((t[:, None, :] - f[None, :, :]) ** 2).sum(-1))
    rows, cols = linear_sum_assignment(d)
    return [(r, c) for r, c in zip(rows, cols) if d[r, c] <= radius]


def score(samples, classes, radius):
    """samples: (truth, found) per image, each a list of (x, y, class index). Detection F1, per-class F1, counts."""
    tp = fp = fn = 0
    tp_c = np.zeros(classes)
    fp_c = np.zeros(classes)
    fn_c = np.zeros(classes)
    fpd_c = np.zeros(classes)
    fnd_c = np.zeros(classes)
    true_count = np.zeros(classes)
    found_count = np.zeros(classes)
    agree = 0
    for truth, found in samples:
        pairs = pair(truth, found, radius)
        tp += len(pairs)
        fp += len(found) - len(pairs)
        fn += len(truth) - len(pairs)
        for _, _, c in truth:
            true_count[c] += 1
        for _, _, c in found:
            found_count[c] += 1
        paired_t = {r for r, _ in pairs}
        paired_f = {c for _, c in pairs}
        for r, c in pairs:
            tc, fc = truth[r][2], found[c][2]
            if tc == fc:
                tp_c[tc] += 1
                agree += 1
            else:
                fn_c[tc] += 1
                fp_c[fc] += 1
        for i, (_, _, c) in enumerate(truth):
            if i not in paired_t:
                fnd_c[c] += 1
        for i, (_, _, c) in enumerate(found):
            if i not in paired_f:
                fpd_c[c] += 1
    f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    per_class = 2 * tp_c / np.maximum(1, 2 * tp_c + 2 * fp_c + 2 * fn_c + fpd_c + fnd_c)
    errors = (found_count - true_count) / np.maximum(1, true_count)
    return {"f1": float(f1), "tp": tp, "fp": fp, "fn": fn, "classAgreement": agree / max(1, tp),
            "perClassF1": [float(v) for v in per_class], "countError": [float(v) for v in errors],
            "truth": [int(v) for v in true_count], "found": [int(v) for v in found_count]}

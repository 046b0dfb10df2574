"""Independent reference for edgert eval cells, written from the published definitions.

HoVer-Net (Graham et al., Med. Image Anal. 2019; metrics/stats_utils.py, compute_stats.py): binary Dice, AJI (Kumar
et al. 2017: each true nucleus with its best-IoU prediction, predictions reused), AJI+ (one-to-one Munkres pairing),
PQ = DQ x SQ with pairs at IoU > 0.5 (Kirillov et al. 2019), detection by Munkres pairing of centroids kept within a
radius, and the per-class F_c with weights 2, 2, 1, 1. PanNuke (Gamper et al. 2020, its run.py): a PQ is undefined
(skipped) on an image whose truth has no nucleus of that class; mPQ is the mean over images of the mean over classes.
CoNIC (Graham et al. 2021): mPQ+ from TP, FP, FN and IoU summed over the images per class.

Usage: cell_metrics.py truth_labels.npy pred_labels.npy radius '["class", ...]' '[[indices], ...]'
(the .npy arrays in CoNIC's layout (N, H, W, 2)). Prints JSON: per-image rows and one aggregate per index list.
"""
import json
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist


def relabel(inst):
    ids = np.unique(inst[inst > 0])
    lab = np.zeros(inst.shape, np.int64)
    lab[inst > 0] = np.searchsorted(ids, inst[inst > 0]) + 1
    return lab, len(ids)


def describe(inst, cls):
    lab, n = relabel(inst)
    flat = lab.ravel()
    area = np.bincount(flat, minlength=n + 1).astype(np.float64)
    ys, xs = np.indices(lab.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = np.bincount(flat, weights=xs.ravel().astype(np.float64), minlength=n + 1) / area
        cy = np.bincount(flat, weights=ys.ravel().astype(np.float64), minlength=n + 1) / area
    kinds = np.zeros(n + 1, np.int64)
    for k in range(1, n + 1):
        kinds[k] = np.argmax(np.bincount(cls.ravel()[flat == k]))  # first maximum: the smaller class on a tie
    return lab, n, area, np.stack([cx, cy], axis=1), kinds


def overlaps(lt, nt, lp, npred):
    joint = np.bincount((lt * (npred + 1) + lp).ravel(), minlength=(nt + 1) * (npred + 1))
    return joint.reshape(nt + 1, npred + 1)[1:, 1:].astype(np.float64)


def fast_pq(lt, nt, lp, npred):
    """Returns tp, fp, fn, summed IoU of pairs at IoU > 0.5."""
    if nt == 0 or npred == 0:
        return 0, npred, nt, 0.0
    inter = overlaps(lt, nt, lp, npred)
    at = np.bincount(lt.ravel(), minlength=nt + 1)[1:].astype(np.float64)
    ap = np.bincount(lp.ravel(), minlength=npred + 1)[1:].astype(np.float64)
    union = at[:, None] + ap[None, :] - inter
    iou = np.where(inter > 0, inter / np.where(union > 0, union, 1), 0.0)
    matched = iou > 0.5
    tp = int(matched.sum())
    # summed in row-major order of (true, predicted), as a loop over pairs would
    return tp, npred - tp, nt - tp, float(sum(iou[matched].tolist()))


def quality(tp, fp, fn, iou_sum):
    dq = tp / (tp + 0.5 * fp + 0.5 * fn)
    sq = iou_sum / (tp + 1.0e-6)
    return dq, sq, dq * sq


def aji(inter, at, ap, plus):
    nt, npred = inter.shape
    if nt + npred == 0:
        return float("nan")
    union = at[:, None] + ap[None, :] - inter
    iou = inter / (union + 1.0e-6)
    total_i, total_u = 0.0, 0.0
    used_t, used_p = np.zeros(nt, bool), np.zeros(npred, bool)
    if nt and npred:
        if plus:
            rows, cols = linear_sum_assignment(-iou)
        else:
            rows, cols = np.arange(nt), np.argmax(iou, axis=1)
        keep = iou[rows, cols] > 0
        rows, cols = rows[keep], cols[keep]
        total_i = inter[rows, cols].sum()
        total_u = union[rows, cols].sum()
        used_t[rows] = True
        used_p[cols] = True
    total_u += at[~used_t].sum() + ap[~used_p].sum()
    return total_i / total_u


def image(truth, pred, radius, n_classes):
    lt, nt, at, ct, kt = describe(truth[..., 0], truth[..., 1])
    lp, npred, ap, cp, kp = describe(pred[..., 0], pred[..., 1])
    fg_t, fg_p = (lt > 0).sum(), (lp > 0).sum()
    dice = float("nan") if fg_t + fg_p == 0 else 2.0 * ((lt > 0) & (lp > 0)).sum() / (fg_t + fg_p)
    inter = overlaps(lt, nt, lp, npred)
    row = {"dice": dice, "aji": aji(inter, at[1:], ap[1:], False), "ajiPlus": aji(inter, at[1:], ap[1:], True),
           "trueCount": nt, "predictedCount": npred}
    tp, fp, fn, iou_sum = fast_pq(lt, nt, lp, npred)
    row["dq"], row["sq"], row["bPQ"] = (float("nan"),) * 3 if nt == 0 else quality(tp, fp, fn, iou_sum)
    # per class: each class's own instance maps, scored from scratch
    per_class, counts = [], []
    for c in range(1, n_classes + 1):
        tc = np.where(kt[lt] == c, lt, 0) * (lt > 0)
        pc = np.where(kp[lp] == c, lp, 0) * (lp > 0)
        tc, ntc = relabel(tc)
        pc, npc = relabel(pc)
        ctp, cfp, cfn, ciou = fast_pq(tc, ntc, pc, npc)
        counts.append((ctp, cfp, cfn, ciou))
        per_class.append(float("nan") if ntc == 0 else quality(ctp, cfp, cfn, ciou)[2])
    row["classPq"] = per_class
    row["mPQ"] = float("nan") if np.all(np.isnan(per_class)) else float(np.nanmean(per_class))
    # detection
    if nt and npred:
        dist = cdist(ct[1:], cp[1:])
        rows, cols = linear_sum_assignment(dist)
        keep = dist[rows, cols] <= radius
        rows, cols = rows[keep], cols[keep]
    else:
        rows, cols = np.zeros(0, int), np.zeros(0, int)
    unpaired_t = np.setdiff1d(np.arange(nt), rows)
    unpaired_p = np.setdiff1d(np.arange(npred), cols)
    detection = {"pairedTrue": kt[1:][rows], "pairedPred": kp[1:][cols],
                 "unpairedTrue": kt[1:][unpaired_t], "unpairedPred": kp[1:][unpaired_p]}
    row["detected"] = len(rows)
    return row, counts, detection


def nanmean(values):
    values = np.array(values, np.float64)
    return float("nan") if np.all(np.isnan(values)) else float(np.nanmean(values))


def aggregate(rows, counts, detections, indices, names):
    rows = [rows[i] for i in indices]
    pt = np.concatenate([detections[i]["pairedTrue"] for i in indices])
    pp = np.concatenate([detections[i]["pairedPred"] for i in indices])
    ut = np.concatenate([detections[i]["unpairedTrue"] for i in indices])
    up = np.concatenate([detections[i]["unpairedPred"] for i in indices])
    tp, fp, fn = len(pt), len(up), len(ut)
    div = lambda a, b: float("nan") if b == 0 else a / b
    out = {"detectionF1": div(2 * tp, 2 * tp + fp + fn), "precision": div(tp, tp + fp), "recall": div(tp, tp + fn),
           "typeAccuracy": div(int((pt == pp).sum()), tp)}
    for key in ["dice", "aji", "ajiPlus", "dq", "sq", "bPQ", "mPQ"]:
        out[key] = nanmean([r[key] for r in rows])
    plus = []
    for c, name in enumerate(names, start=1):
        sel = (pt == c) | (pp == c)
        t, p = pt[sel], pp[sel]
        tp_c = ((t == c) & (p == c)).sum()
        tn_c = ((t != c) & (p != c)).sum()
        fp_c = ((t != c) & (p == c)).sum()
        fn_c = ((t == c) & (p != c)).sum()
        fp_d, fn_d = (up == c).sum(), (ut == c).sum()
        out["F1 " + name] = div(2.0 * (tp_c + tn_c), 2.0 * (tp_c + tn_c) + 2 * fp_c + 2 * fn_c + fp_d + fn_d)
        out["PQ " + name] = nanmean([r["classPq"][c - 1] for r in rows])
        s = np.array([counts[i][c - 1] for i in indices], np.float64).sum(axis=0) if indices else np.zeros(4)
        dq = s[0] / (s[0] + 0.5 * s[1] + 0.5 * s[2] + 1.0e-6)
        sq = s[3] / (s[0] + 1.0e-6)
        out["PQ+ " + name] = dq * sq
        plus.append(dq * sq)
    out["mPQ+"] = float(np.mean(plus))
    return out


def clean(value):
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


def main():
    truth, pred = np.load(sys.argv[1]), np.load(sys.argv[2])
    radius, names, index_lists = float(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5])
    results = [image(truth[i].astype(np.int64), pred[i].astype(np.int64), radius, len(names)) for i in range(len(truth))]
    rows = [r[0] for r in results]
    counts = [r[1] for r in results]
    detections = [r[2] for r in results]
    print(json.dumps(clean({"images": rows, "aggregates": [aggregate(rows, counts, detections, ix, names) for ix in index_lists]})))


main()

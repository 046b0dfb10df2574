"""Why a nucleus was not found as its class (docs/cells.md, "Why nuclei are missed"), per true nucleus of a tile:

  found       paired (detection.pair) with a predicted nucleus of its class
  class       paired, but the predicted nucleus has another class
  threshold   no pixel of it above the nucleus threshold
  area        pixels above the threshold, but every blob or instance there under the minimum area
  merged      its pixels belong mostly to an instance that covers another true nucleus (at least 30 % of it) too:
              one predicted nucleus for two (or more) true ones
  displaced   its pixels belong mostly to an instance of its own whose centroid lies beyond the pairing radius

The causes are counted per class, so the training tool records in each head why its held-out nuclei were missed.
"""
from collections import Counter

import numpy as np

import detection

CAUSES = ("found", "class", "threshold", "area", "merged", "displaced")


def causes(truth_instances, truth_classes, nucleus_probability, labels, found, threshold, radius):
    """truth_instances, truth_classes: the tile's true maps (classes 1.. per pixel); labels: the predicted instance map
    whose instances, in increasing label order, are `found` ((x, y, class index) each). Returns a (class index, cause)
    per true nucleus."""
    ids = [n for n in np.unique(truth_instances) if n > 0]
    truth = []
    for n in ids:
        ys, xs = np.nonzero(truth_instances == n)
        truth.append((float(xs.mean() + 0.5), float(ys.mean() + 0.5), int(np.bincount(truth_classes[ys, xs]).argmax()) - 1))
    pairs = dict(detection.pair(truth, found, radius))
    out = []
    for k, n in enumerate(ids):
        c = truth[k][2]
        if k in pairs:
            out.append((c, "found" if found[pairs[k]][2] == c else "class"))
            continue
        mask = truth_instances == n
        if float(nucleus_probability[mask].max()) <= threshold:
            out.append((c, "threshold"))
            continue
        under = labels[mask]
        if not (under > 0).any():
            out.append((c, "area"))
            continue
        instance = labels == Counter(under[under > 0].tolist()).most_common(1)[0][0]
        inside = truth_instances[instance]
        others = [m for m in np.unique(inside) if m > 0 and m != n and (inside == m).sum() >= 0.3 * (truth_instances == m).sum()]
        out.append((c, "merged" if others else "displaced"))
    return out


def tally(per_tile, names):
    """{class name: {cause: count}} over tiles' causes."""
    counts = Counter(c for tile in per_tile for c in tile)
    return {name: {cause: counts[(i, cause)] for cause in CAUSES} for i, name in enumerate(names)}

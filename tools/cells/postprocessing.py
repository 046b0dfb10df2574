"""The runtime's post-processing (src/EdgeRuntime.Cells/CellPostProcessing.cs, distance maps) in numpy, so that the
training tool chooses a head's post-processing parameters on validation tiles with the rule the service applies:

  nucleus pixels: probability > foregroundThreshold, 4-connected blobs under minimumArea dropped;
  markers: nucleus pixels whose distance > markerDistance, blobs under max(1, minimumArea // 4) dropped;
  marker-controlled watershed on -distance over the nucleus pixels (4-connected, in order of elevation, ties first
  come first served); nucleus pixels no marker reaches are nuclei of their own; nuclei under minimumArea dropped;
  with classSplitArea > 0: an instance holding 4-connected parts of two or more classes (per-pixel argmax) of at least
  classSplitArea pixels each is split, one nucleus per such part: the parts are its markers, flooded on -distance
  within the instance (two touching nuclei of different classes whose distance map did not fall between them);
  each nucleus's class: the most frequent per-pixel argmax (the smaller class on a tie).
"""
import heapq

import numpy as np
from scipy import ndimage

FOUR = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]])


def components(mask):
    labels, count = ndimage.label(mask, structure=FOUR)
    return labels, count


def drop_small(mask, minimum):
    labels, count = components(mask)
    if count == 0:
        return mask
    sizes = np.bincount(labels.ravel())
    keep = sizes >= minimum
    keep[0] = False
    return keep[labels]


def flood(elevation, markers, mask):
    # Plain lists: the loop touches each nucleus pixel a few times, and numpy's per-element access is slow there.
    h, w = mask.shape
    labels = markers.ravel().tolist()
    elev = elevation.ravel().tolist()
    m = mask.ravel().tolist()
    heap = [(elev[i], order, i) for order, i in enumerate(np.flatnonzero(markers.ravel()).tolist())]
    order = len(heap)
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        _, _, i = pop(heap)
        x = i % w
        label = labels[i]
        for j, ok in ((i - 1, x > 0), (i + 1, x < w - 1), (i - w, i >= w), (i + w, i < (h - 1) * w)):
            if ok and m[j] and labels[j] == 0:
                labels[j] = label
                push(heap, (elev[j], order, j))
                order += 1
    out = np.array(labels, dtype=np.int64).reshape(h, w)
    out[~mask] = 0
    return out


def split_by_class(labels, elevation, best, classes, part):
    """Each instance with two or more single-class parts of `part` px or more, split into them (docs/cells.md)."""
    out = labels.copy()
    following = int(labels.max()) + 1
    for k in range(1, int(labels.max()) + 1):
        instance = labels == k
        if not instance.any():
            continue
        markers = np.zeros(labels.shape, dtype=np.int64)
        parts = 0
        for c in range(classes):
            comp, n = components(instance & (best == c))
            if n == 0:
                continue
            sizes = np.bincount(comp.ravel())
            for j in range(1, n + 1):
                if sizes[j] >= part:
                    parts += 1
                    markers[comp == j] = parts
        if parts < 2:
            continue
        flooded = flood(elevation, markers, instance)
        for j in range(1, parts + 1):
            out[flooded == j] = following
            following += 1
    return out


def run(nucleus_probability, distance, class_probabilities, threshold, marker_distance, minimum_area, class_split_area=0):
    """Instance map (0 background) and a list of (centroid x, centroid y, class index, area) per nucleus."""
    nucleus = drop_small(nucleus_probability > threshold, minimum_area)
    markers = drop_small(nucleus & (distance > marker_distance), max(1, minimum_area // 4))
    marker_labels, count = components(markers)
    labels = flood(-distance.astype(np.float32), marker_labels, nucleus)
    extra, _ = components(nucleus & (labels == 0))
    labels = np.where(extra > 0, count + extra, labels)
    sizes = np.bincount(labels.ravel())
    labels = np.where(sizes[labels] >= minimum_area, labels, 0)
    best = np.argmax(class_probabilities, axis=0)
    if class_split_area > 0:
        labels = split_by_class(labels, -distance.astype(np.float32), best, class_probabilities.shape[0], class_split_area)
    cells = []
    ys, xs = np.nonzero(labels)
    if len(ys) == 0:
        return labels, cells
    ids = labels[ys, xs]
    order = np.argsort(ids, kind="stable")
    ids, ys, xs, cl = ids[order], ys[order], xs[order], best[ys[order], xs[order]]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    for s, e in zip(starts, ends):
        votes = np.bincount(cl[s:e], minlength=class_probabilities.shape[0])
        cells.append((float(xs[s:e].mean() + 0.5), float(ys[s:e].mean() + 0.5), int(np.argmax(votes)), int(e - s)))
    return labels, cells

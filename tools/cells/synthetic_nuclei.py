"""Synthetic H&E-like images whose every nucleus is known: an eosin-pink stroma with three kinds of haematoxylin
nuclei that differ in size, shape and stain, painted in order so that clustered nuclei touch and overlap (a later
nucleus covers an earlier one, which is what its instance mask says too).

  tumour      large, round to oval (radii 7-10 px at 0.5 um/px), pale purple with coarse chromatin, in clusters
  lymphocyte  small, round (radius 4-5 px), near black, even stain, scattered and in small groups
  fibroblast  long and thin (10-13 by 2.6-3.4 px), any angle, mid purple, scattered

render(width, height, rng) -> (rgb uint8 [H, W, 3], instances int32 [H, W] (0 background, 1.. nucleus ids),
classes uint8 [H, W] (0 background, 1.. class), nuclei: list of dicts with the visible nucleus's id, class, centroid
(mean pixel position, pixel-edge coordinates: pixel (x, y) covers [x, x+1)) and area).
"""
import numpy as np

CLASSES = ["tumour", "lymphocyte", "fibroblast"]
COLOURS = ["#d62728", "#1f77b4", "#2ca02c"]

BACKGROUND = np.array([236, 196, 218], dtype=np.float32)
STAIN = {
    0: np.array([128, 86, 168], dtype=np.float32),
    1: np.array([52, 30, 92], dtype=np.float32),
    2: np.array([96, 54, 140], dtype=np.float32),
}


def _smooth_noise(rng, height, width, cell=32):
    """Low-frequency noise in [-1, 1]: a coarse random grid, bilinearly upsampled."""
    gh, gw = height // cell + 2, width // cell + 2
    grid = rng.uniform(-1, 1, size=(gh, gw)).astype(np.float32)
    ys = np.arange(height, dtype=np.float32) / cell
    xs = np.arange(width, dtype=np.float32) / cell
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    a = grid[y0][:, x0]
    b = grid[y0][:, x0 + 1]
    c = grid[y0 + 1][:, x0]
    d = grid[y0 + 1][:, x0 + 1]
    return a * (1 - fy) * (1 - fx) + b * (1 - fy) * fx + c * fy * (1 - fx) + d * fy * fx


def _shape(kind, rng):
    if kind == 0:
        a = rng.uniform(7.5, 10.0)
        return a, a * rng.uniform(0.75, 0.95), rng.uniform(0, np.pi)
    if kind == 1:
        r = rng.uniform(4.0, 5.0)
        return r, r * rng.uniform(0.9, 1.0), rng.uniform(0, np.pi)
    return rng.uniform(10.0, 13.0), rng.uniform(2.6, 3.4), rng.uniform(0, np.pi)


def _place(width, height, rng, density):
    """Nucleus centres and shapes: tumour clusters whose members touch or overlap, lymphocytes, fibroblasts."""
    placed = []  # (x, y, a, b, angle, kind)

    def fits(x, y, a, b):
        # Overlap allowed, but never so much that a nucleus is mostly hidden: centres at least 0.8 of the mean radii apart.
        r = (a + b) / 2
        for (px, py, pa, pb, _, _) in placed:
            if (px - x) ** 2 + (py - y) ** 2 < (0.8 * (r + (pa + pb) / 2)) ** 2:
                return False
        return True

    area = width * height
    clusters = max(1, int(area * density / 12000))
    for _ in range(clusters):
        cx, cy = rng.uniform(-10, width + 10), rng.uniform(-10, height + 10)
        members = []
        for _ in range(rng.integers(3, 8)):
            a, b, t = _shape(0, rng)
            for _ in range(20):
                if members:
                    mx, my, ma, mb = members[rng.integers(len(members))]
                    angle = rng.uniform(0, 2 * np.pi)
                    dist = (a + b) / 2 + (ma + mb) / 2
                    dist *= rng.uniform(0.82, 1.0)  # touching or overlapping
                    x, y = mx + dist * np.cos(angle), my + dist * np.sin(angle)
                else:
                    x, y = cx, cy
                if fits(x, y, a, b):
                    placed.append((x, y, a, b, t, 0))
                    members.append((x, y, a, b))
                    break
    for kind, per in ((1, 4500), (2, 9000)):
        for _ in range(int(area * density / per)):
            a, b, t = _shape(kind, rng)
            for _ in range(20):
                x, y = rng.uniform(-8, width + 8), rng.uniform(-8, height + 8)
                if fits(x, y, a, b):
                    placed.append((x, y, a, b, t, kind))
                    break
    order = rng.permutation(len(placed))
    return [placed[i] for i in order]


def render(width, height, rng, density=1.0):
    noise = _smooth_noise(rng, height, width)
    fine = rng.normal(0, 1, size=(height, width)).astype(np.float32)
    rgb = BACKGROUND[None, None, :] + noise[..., None] * np.array([10, 14, 10], dtype=np.float32) + fine[..., None] * 4
    instances = np.zeros((height, width), dtype=np.int32)
    kinds = {}
    for n, (x, y, a, b, t, kind) in enumerate(_place(width, height, rng, density), start=1):
        r = int(np.ceil(a)) + 2
        x0, x1 = max(0, int(x) - r), min(width, int(x) + r + 1)
        y0, y1 = max(0, int(y) - r), min(height, int(y) + r + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = xx + 0.5 - x, yy + 0.5 - y
        u = (dx * np.cos(t) + dy * np.sin(t)) / a
        v = (-dx * np.sin(t) + dy * np.cos(t)) / b
        rho = np.sqrt(u * u + v * v)
        inside = rho <= 1.0
        if not inside.any():
            continue
        # A soft rim one pixel wide, a darker membrane, and chromatin texture for the tumour nuclei.
        alpha = np.clip((1.0 - rho) * min(a, b) + 0.5, 0, 1)[..., None] * 0.92
        colour = STAIN[kind] * (1 - 0.18 * np.clip(rho - 0.7, 0, 1)[..., None] / 0.3)
        if kind == 0:
            colour = colour + rng.normal(0, 14, size=colour.shape[:2])[..., None]
        patch = rgb[y0:y1, x0:x1]
        rgb[y0:y1, x0:x1] = patch * (1 - alpha) + colour * alpha
        instances[y0:y1, x0:x1][inside] = n
        kinds[n] = kind
    rgb = np.clip(rgb, 0, 255).astype(np.uint8)

    nuclei = []
    ids = np.unique(instances)
    ids = ids[ids > 0]
    # Renumber the visible nuclei 1..N; those covered all but a sliver (under 10 px) are not nuclei anyone could see.
    remap = np.zeros(instances.max() + 1, dtype=np.int32)
    objects = _bounding_boxes(instances)
    next_id = 1
    for n in ids:
        ys, xs = objects[n]
        sub = instances[ys, xs] == n
        area = int(sub.sum())
        if area < 10:
            continue
        py, px = np.nonzero(sub)
        remap[n] = next_id
        nuclei.append({"id": next_id, "class": CLASSES[kinds[n]], "classIndex": kinds[n] + 1,
                       "x": float(px.mean() + xs.start + 0.5), "y": float(py.mean() + ys.start + 0.5), "area": area})
        next_id += 1
    instances = remap[instances]
    lookup = np.zeros(next_id, dtype=np.uint8)
    for nucleus in nuclei:
        lookup[nucleus["id"]] = nucleus["classIndex"]
    classes = lookup[instances]
    return rgb, instances, classes, nuclei


def _bounding_boxes(instances):
    from scipy import ndimage
    boxes = ndimage.find_objects(instances)
    return {i + 1: box for i, box in enumerate(boxes) if box is not None}


def distance_target(instances):
    """Per nucleus, its distance to the edge normalised to 1 at its deepest pixel (CellViT's target)."""
    from scipy import ndimage
    out = np.zeros(instances.shape, dtype=np.float32)
    for n, box in _bounding_boxes(instances).items():
        ys = slice(max(0, box[0].start - 1), box[0].stop + 1)
        xs = slice(max(0, box[1].start - 1), box[1].stop + 1)
        mask = instances[ys, xs] == n
        d = ndimage.distance_transform_edt(mask)
        if d.max() > 0:
            out[ys, xs][mask] = (d / d.max())[mask]
    return out

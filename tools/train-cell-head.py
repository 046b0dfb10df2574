#!/usr/bin/python3
"""Trains a cell head (docs/cells.md) on a FROZEN encoder's patch tokens and writes a head package.

  train-cell-head.py --family uni --checkpoint <encoder checkpoint> --package <encoder package folder> --out <heads root>
      [--tiles DIR] [--id ID] [--version 1.0.0] [--steps 300] [--seed 0]
  train-cell-head.py --slide out.tiff --width 2240 --height 1792 [--seed 7] [--truth out.json] [--maps DIR]

The encoder is the package's, run from the checkpoint it was imported from (tools/families: the same module the
package's ONNX graph was exported from); its weights are never updated. The head takes the patch tokens of the
package's first dense depth and the tile's pixels (a CellViT-style skip connection), and gives per pixel a nucleus
probability, a distance map and class probabilities, at tile resolution.

Training tiles: --tiles DIR (the folder layout of `edgert eval cells`: one folder per tile with image.png,
instances.png or .npy, classes.png or .npy, and classes.json at the root), or, without it, synthetic H&E-like tiles
with known nuclei (tools/cells/synthetic_nuclei.py: tumour, lymphocyte, fibroblast; touching and overlapping).

--slide writes a pyramidal tiled TIFF at 0.5 um/px of the same synthetic tissue and prints (or writes to --truth) every
nucleus it holds, in level-0 pixels; --maps DIR writes its level-0 instance and class maps in the folder layout of
`edgert eval cells` (DIR/classes.json, DIR/slide/instances.npy and classes.npy), so the live cells can be scored by
segmentation and panoptic quality. Needs Debian's python3-torch, python3-scipy, python3-pil and libvips-tools.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "cells"))

import detection  # noqa: E402
import misses  # noqa: E402
import postprocessing as post  # noqa: E402
import synthetic_nuclei as syn  # noqa: E402

TILE = 224
CROP = 80


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_slide(args):
    rng = np.random.default_rng(args.seed)
    rgb, instances, syn_classes, nuclei = syn.render(args.width, args.height, rng, density=args.density)
    from PIL import Image
    with tempfile.TemporaryDirectory() as tmp:
        flat = os.path.join(tmp, "flat.png")
        Image.fromarray(rgb).save(flat)
        out_tmp = args.slide + ".tmp.tiff"
        px_per_mm = 1000.0 / 0.5
        subprocess.run(["vips", "tiffsave", flat, out_tmp, "--tile", "--pyramid", "--compression", "jpeg", "--Q", "95",
                        "--tile-width", "256", "--tile-height", "256", "--xres", repr(px_per_mm), "--yres", repr(px_per_mm)],
                       check=True)
        os.replace(out_tmp, args.slide)
    truth = {"width": args.width, "height": args.height, "micronsPerPixel": 0.5, "classes": syn.CLASSES,
             "nuclei": [{k: n[k] for k in ("id", "class", "x", "y", "area")} for n in nuclei]}
    text = json.dumps(truth)
    if args.maps:
        os.makedirs(os.path.join(args.maps, "slide"), exist_ok=True)
        np.save(os.path.join(args.maps, "slide", "instances.npy"), instances.astype(np.int32))
        np.save(os.path.join(args.maps, "slide", "classes.npy"), syn_classes.astype(np.int32))
        with open(os.path.join(args.maps, "classes.json"), "w") as f:
            json.dump(syn.CLASSES, f)
    if args.truth:
        with open(args.truth, "w") as f:
            f.write(text)
    else:
        print(text)


# ---- the head ----

def build_head(torch, width, grid, prefix, classes):
    nn = torch.nn

    def block(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                             nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

    class CellHead(nn.Module):
        """A small U-Net on the tile's pixels (full, 1/2 and 1/4 resolution) whose bottleneck is joined by the patch
        tokens, decoded from the 1/16 token grid to 1/4 after a 3x3 context over it (CellViT's and UNETR's shallow
        convolutional skips from the image: patch tokens at 1/16 cannot outline a nucleus of 8 px). Out at tile
        resolution: a nucleus logit, a distance logit and class logits."""

        def __init__(self):
            super().__init__()
            self.up_tokens = TILE // grid // 4
            self.tokens = nn.Sequential(nn.Conv2d(width, 32, 3, padding=1), nn.ReLU(),
                                        nn.Conv2d(32, 16 * self.up_tokens * self.up_tokens, 1), nn.PixelShuffle(self.up_tokens))
            self.e1 = block(3, 8)
            self.e2 = block(8, 16)
            self.e3 = block(16, 32)
            self.mid = block(32 + 16, 32)
            self.d2 = block(32 + 16, 16)
            self.d1 = block(16 + 8, 8)
            self.out = nn.Conv2d(8, 2 + classes, 1)
            self.pool = nn.MaxPool2d(2)
            self.up = nn.Upsample(scale_factor=2, mode="nearest")

        def token_features(self, tokens):
            b = tokens.shape[0]
            x = tokens[:, prefix:, :].transpose(1, 2).reshape(b, width, grid, grid)
            return self.tokens(x)

        def logits(self, features, pixels):
            e1 = self.e1(pixels)
            e2 = self.e2(self.pool(e1))
            e3 = self.e3(self.pool(e2))
            m = self.mid(torch.cat([e3, features], dim=1))
            d2 = self.d2(torch.cat([self.up(m), e2], dim=1))
            d1 = self.d1(torch.cat([self.up(d2), e1], dim=1))
            return self.out(d1)

        def forward(self, tokens, pixels):
            out = self.logits(self.token_features(tokens), pixels)
            return torch.sigmoid(out[:, 0]), torch.sigmoid(out[:, 1]), torch.softmax(out[:, 2:], dim=1)

    return CellHead()


def jpeg(images, rng, quality):
    """The tiles as a slide scanner's JPEG tiles give them (the test slides are JPEG at quality 95)."""
    import io
    from PIL import Image
    out = []
    for image in images:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, "JPEG", quality=int(quality if np.isscalar(quality) else rng.integers(*quality)))
        buffer.seek(0)
        out.append(np.asarray(Image.open(buffer).convert("RGB")))
    return np.stack(out)


def synthetic_tiles(count, rng, quality):
    images, instances, classes = [], [], []
    for _ in range(count):
        rgb, inst, cls, _ = syn.render(TILE, TILE, rng, density=rng.uniform(0.7, 1.6))
        images.append(rgb)
        instances.append(inst)
        classes.append(cls)
    return jpeg(images, rng, quality), np.stack(instances), np.stack(classes), list(syn.CLASSES), list(syn.COLOURS)


def folder_tiles(root):
    from PIL import Image
    with open(os.path.join(root, "classes.json")) as f:
        names = json.load(f)
    images, instances, classes = [], [], []
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue

        def read(stem):
            npy = os.path.join(folder, stem + ".npy")
            return np.load(npy) if os.path.exists(npy) else np.asarray(Image.open(os.path.join(folder, stem + ".png")))

        image = np.asarray(Image.open(os.path.join(folder, "image.png")).convert("RGB"))
        if image.shape[:2] != (TILE, TILE):
            raise ValueError(f"{folder}/image.png: {image.shape[1]}x{image.shape[0]} px; the encoder takes {TILE} px tiles at its resolution")
        images.append(image)
        instances.append(read("instances").astype(np.int32))
        classes.append(read("classes").astype(np.uint8))
    palette = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    return np.stack(images), np.stack(instances), np.stack(classes), names, [palette[i % len(palette)] for i in range(len(names))]


def touching_border(instances, reach=2):
    """Nucleus pixels within `reach` px of another nucleus's pixels: where two touching nuclei meet."""
    from scipy import ndimage
    size = 2 * reach + 1
    highest = ndimage.maximum_filter(instances, size=size)
    lowest = ndimage.minimum_filter(np.where(instances > 0, instances, np.iinfo(instances.dtype).max), size=size)
    return (instances > 0) & ((highest != instances) | (lowest != instances))


def truth_of(instances, classes):
    """(x, y, class index) of each nucleus of an instance map: its centroid as the runtime computes one."""
    out = []
    for n, box in enumerate(ndimage_find_objects(instances), start=1):
        if box is None:
            continue
        ys, xs = np.nonzero(instances[box] == n)
        out.append((float(xs.mean() + box[1].start + 0.5), float(ys.mean() + box[0].start + 0.5),
                    int(np.bincount(classes[box][ys, xs]).argmax()) - 1))
    return out


def ndimage_find_objects(instances):
    from scipy import ndimage
    return ndimage.find_objects(instances)


# Post-processing parameters tried on the validation tiles (docs/cells.md, "Training a head").
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
MARKERS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
AREAS = (4, 6, 10, 16)
SPLITS = (0, 16, 25, 30, 40)  # classSplitArea: 0 never splits a nucleus by its pixels' classes
RADIUS = 6  # px at 0.5 um/px: CoNIC's pairing radius


def validate(maps, truths, classes, threshold, marker, area, split=0):
    samples = []
    for (nucleus, distance, probabilities), truth in zip(maps, truths):
        _, cells = post.run(nucleus, distance, probabilities, threshold, marker, area, split)
        samples.append((truth, [(x, y, c) for x, y, c, _ in cells]))
    return detection.score(samples, classes, RADIUS)


def miss_causes(maps, instances, classes, names, threshold, marker, area, split):
    """Per class, why the held-out nuclei were not found as their class (tools/cells/misses.py)."""
    per_tile = []
    for (nucleus, distance, probabilities), inst, cls in zip(maps, instances, classes):
        labels, cells = post.run(nucleus, distance, probabilities, threshold, marker, area, split)
        per_tile.append(misses.causes(inst, cls, nucleus, labels, [(x, y, c) for x, y, c, _ in cells], threshold, RADIUS))
    return misses.tally(per_tile, names)


def objective(s):
    """Detection F1 and the mean per-class F1 alike: finding every nucleus once, and each in its class."""
    return (s["f1"] + float(np.mean(s["perClassF1"]))) / 2


def choose_post_processing(maps, truths, classes):
    """One parameter at a time, each at the best of those before it: the threshold, the marker distance, the area,
    the class split (tried last, from 0: a split must win on the held-out tiles to be used)."""
    best = None
    tried = []
    chosen = (0.5, 0.4, 10, 0)
    for axis, values in enumerate((THRESHOLDS, MARKERS, AREAS, SPLITS)):
        for v in values:
            candidate = tuple(v if i == axis else chosen[i] for i in range(4))
            s = validate(maps, truths, classes, *candidate)
            tried.append((candidate, s))
            if best is None or objective(s) > objective(best[1]):
                best = (candidate, s)
        chosen = best[0]
    return best, tried


def train(args):
    import torch
    from families import discover
    from families.vit import TokenGraph

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    family = discover()[args.family]
    with open(os.path.join(args.package, "model.json")) as f:
        manifest = json.load(f)
    encoder = manifest["imageEncoder"]
    if not encoder.get("dense"):
        raise ValueError(f"{args.package}/model.json: imageEncoder.dense is empty; a cell head needs a model that declares dense outputs")
    depth = encoder["dense"][0]["depth"]
    tokens_spec = encoder["tokens"]
    grid, width = tokens_spec["gridSize"], tokens_spec["width"]
    prefix = (1 if tokens_spec.get("classToken") else 0) + tokens_spec.get("registerTokens", 0)
    pre = manifest["preprocessing"]
    if pre["inputSize"] != TILE or manifest["tiling"]["tileSize"] != TILE:
        raise ValueError(f"{args.package}/model.json: this tool trains on {TILE} px tiles; the model takes {pre['inputSize']}")

    started = time.monotonic()
    if args.tiles:
        images, instances, classes, names, colours = folder_tiles(args.tiles)
        # A lab's tiles: the last fifth (at least one) is held out to choose the post-processing parameters.
        held = max(1, len(images) // 5)
        split = len(images) - held
        val_images, val_instances, val_classes = images[split:], instances[split:], classes[split:]
        images, instances, classes = images[:split], instances[:split], classes[:split]
    else:
        images, instances, classes, names, colours = synthetic_tiles(args.count, rng, (80, 99))
        # Held out from a stream of its own: other tissue than any training tile, JPEG as the test slides.
        val_images, val_instances, val_classes, _, _ = synthetic_tiles(args.validation, np.random.default_rng([args.seed, 1]), 95)
    distances = np.stack([syn.distance_target(i) for i in instances])
    borders = np.stack([touching_border(i) for i in instances])
    rendered = time.monotonic() - started

    vit, _ = family.load(args.checkpoint)
    graph = TokenGraph(vit, [depth]).eval()
    mean = torch.tensor(pre["mean"])[None, :, None, None]
    std = torch.tensor(pre["std"])[None, :, None, None]

    def normalised(rgb):
        return (torch.from_numpy(rgb).permute(0, 3, 1, 2).float() / 255.0 - mean) / std

    pixels, val_pixels = normalised(images), normalised(val_images)
    with torch.no_grad():
        tokens = torch.cat([graph(pixels[i:i + 16])[1] for i in range(0, len(pixels), 16)])
        val_tokens = torch.cat([graph(val_pixels[i:i + 16])[1] for i in range(0, len(val_pixels), 16)])
    encoded = time.monotonic() - started - rendered

    head = build_head(torch, width, grid, prefix, len(names))
    optimiser = torch.optim.AdamW(head.parameters(), lr=args.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=args.steps, pct_start=0.15)
    fg = torch.from_numpy(instances > 0).float()
    dist = torch.from_numpy(distances)
    between = torch.from_numpy(borders).float()
    cls = torch.from_numpy(classes.astype(np.int64)) - 1  # -1 = background, ignored by the class loss
    # Class balance: a thin fibroblast has a fifth of a tumour nucleus's pixels; each class's pixels weigh by the
    # inverse square root of its share, so the rare thin class is not drowned by the large one.
    share = np.bincount(classes[classes > 0].ravel(), minlength=len(names) + 1)[1:].astype(np.float64)
    weights = 1.0 / np.sqrt(np.maximum(share, 1) / max(1.0, share.sum()))
    weights = torch.tensor(weights / weights.mean(), dtype=torch.float32)
    n = len(images)
    crop_q = CROP // 4
    losses = []
    head.train()
    for step in range(args.steps):
        pick = torch.from_numpy(rng.choice(n, size=min(args.batch, n), replace=False))
        # Crops aligned to 4 px, so the two poolings see the tile's own grid and the 1/4-resolution token features cut exactly.
        qy, qx = (int(v) for v in rng.integers(0, (TILE - CROP) // 4 + 1, size=2))
        y0, x0 = 4 * qy, 4 * qx
        features = head.token_features(tokens[pick])[:, :, qy:qy + crop_q, qx:qx + crop_q]
        out = head.logits(features, pixels[pick][:, :, y0:y0 + CROP, x0:x0 + CROP])
        f, d, c = fg[pick][:, y0:y0 + CROP, x0:x0 + CROP], dist[pick][:, y0:y0 + CROP, x0:x0 + CROP], cls[pick][:, y0:y0 + CROP, x0:x0 + CROP]
        b = between[pick][:, y0:y0 + CROP, x0:x0 + CROP]
        p = torch.sigmoid(out[:, 0])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], f)
        loss = loss + 1 - (2 * (p * f).sum() + 1) / (p.sum() + f.sum() + 1)
        # The distance must fall to 0 where two nuclei touch, or the watershed finds one marker for both: those pixels
        # weigh four times a nucleus's others (HoVer-Net's and DCAN's emphasis on the touching boundary). Cross-entropy
        # against the soft target, not a squared error on the sigmoid: the squared error's gradient carries the
        # sigmoid's slope (a quarter at most), and after 300 steps its map stood flat at 0.57 in the centre of a
        # lymphocyte and 0.45 at its edge, so two touching lymphocytes' markers joined (docs/cells.md, "Why nuclei are missed").
        loss = loss + 4 * (torch.nn.functional.binary_cross_entropy_with_logits(out[:, 1], d, reduction="none") * (0.2 + f + 3 * b)).mean()
        loss = loss + torch.nn.functional.cross_entropy(out[:, 2:], c, weight=weights, ignore_index=-1)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(float(loss))
        if step % 50 == 0 or step == args.steps - 1:
            print(f"step {step}: loss {np.mean(losses[-50:]):.4f} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    trained = time.monotonic() - started - rendered - encoded

    head.eval()
    with torch.no_grad():
        val_maps = []
        for i in range(0, len(val_pixels), 8):
            nucleus, distance, probabilities = head(val_tokens[i:i + 8], val_pixels[i:i + 8])
            val_maps.extend(zip(nucleus.numpy(), distance.numpy(), probabilities.numpy()))
    truths = [truth_of(i, c) for i, c in zip(val_instances, val_classes)]
    (threshold, marker, area, split), chosen = choose_post_processing(val_maps, truths, len(names))[0]
    missed = miss_causes(val_maps, val_instances, val_classes, names, threshold, marker, area, split)
    validated = time.monotonic() - started - rendered - encoded - trained
    print(json.dumps({"validation": {"threshold": threshold, "marker": marker, "area": area, "classSplitArea": split, **chosen}}), file=sys.stderr)

    package_id = args.id or f"synthetic-nuclei-{manifest['id']}"
    final = os.path.join(args.out, package_id, args.version)
    work = final + f".part-{os.getpid()}"
    os.makedirs(work)
    try:
        tokens_name = encoder["dense"][0]["output"]
        torch.onnx.export(head, (tokens[:1], pixels[:1]), os.path.join(work, "head.onnx"),
                          input_names=[tokens_name, "pixels"], output_names=["nucleus", "distance", "classes"],
                          dynamic_axes={name: {0: "batch"} for name in [tokens_name, "pixels", "nucleus", "distance", "classes"]},
                          opset_version=17)
        head_manifest = {
            "schemaVersion": 1, "kind": "cell-head", "id": package_id, "version": args.version,
            "name": f"Nuclei ({', '.join(names)}) on {manifest['id']}'s depth-{depth} tokens"
                    + (", trained on synthetic H&E-like tiles: a TEST head" if not args.tiles else ""),
            "encoder": {"id": manifest["id"], "version": manifest["version"], "sha256": sha256(os.path.join(args.package, "model.json"))},
            "file": "head.onnx",
            "inputs": {"tokens": [{"input": tokens_name, "depth": depth}], "pixels": "pixels",
                       "pixelNormalisation": {"mean": [float(v) for v in pre["mean"]], "std": [float(v) for v in pre["std"]]}},
            "outputs": {"nucleus": "nucleus", "distance": "distance", "classes": "classes"},
            "classes": [{"name": name, "colour": colour} for name, colour in zip(names, colours)],
            "postProcessing": {"foregroundThreshold": threshold, "markerDistance": marker, "minimumArea": area, "classSplitArea": split},
            "training": {"tiles": n, "steps": args.steps, "batch": args.batch, "seed": args.seed, "seconds": round(trained, 1),
                         "source": args.tiles or "synthetic (tools/cells/synthetic_nuclei.py)",
                         "validation": {"tiles": len(val_images), "pairingRadius": RADIUS, "detectionF1": round(chosen["f1"], 4),
                                        "classAgreement": round(chosen["classAgreement"], 4),
                                        "perClassF1": {name: round(v, 4) for name, v in zip(names, chosen["perClassF1"])},
                                        "countError": {name: round(v, 4) for name, v in zip(names, chosen["countError"])},
                                        "causes": missed,
                                        "seconds": round(validated, 1)}},
            "files": {"head.onnx": sha256(os.path.join(work, "head.onnx"))},
        }
        with open(os.path.join(work, "head.json"), "w") as f:
            json.dump(head_manifest, f, indent=2)
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    print(json.dumps({"package": final, "tiles": n, "renderSeconds": round(rendered, 1), "encodeSeconds": round(encoded, 1),
                      "trainSeconds": round(trained, 1), "validateSeconds": round(validated, 1),
                      "finalLoss": round(float(np.mean(losses[-50:])), 4)}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--family")
    p.add_argument("--checkpoint")
    p.add_argument("--package")
    p.add_argument("--out")
    p.add_argument("--tiles")
    p.add_argument("--id")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--count", type=int, default=96, help="synthetic training tiles")
    p.add_argument("--validation", type=int, default=24, help="synthetic validation tiles (post-processing chosen on them)")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--slide")
    p.add_argument("--truth")
    p.add_argument("--maps", help="with --slide: a folder for the slide's instance and class maps (edgert eval cells' folder layout)")
    p.add_argument("--width", type=int, default=2240)
    p.add_argument("--height", type=int, default=1792)
    p.add_argument("--density", type=float, default=1.0)
    args = p.parse_args()
    if args.slide:
        write_slide(args)
        return
    for required in ("family", "checkpoint", "package", "out"):
        if getattr(args, required) is None:
            p.error(f"--{required} is required to train a head")
    train(args)


if __name__ == "__main__":
    main()

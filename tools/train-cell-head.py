#!/usr/bin/python3
"""Trains a cell head (docs/cells.md) on a FROZEN encoder's patch tokens and writes a head package.

  train-cell-head.py --family uni --checkpoint <encoder checkpoint> --package <encoder package folder> --out <heads root>
      [--tiles DIR] [--id ID] [--version 1.0.0] [--steps 300] [--seed 0]
  train-cell-head.py --slide out.tiff --width 2240 --height 1792 [--seed 7] [--truth out.json]

The encoder is the package's, run from the checkpoint it was imported from (tools/families: the same module the
package's ONNX graph was exported from); its weights are never updated. The head takes the patch tokens of the
package's first dense depth and the tile's pixels (a CellViT-style skip connection), and gives per pixel a nucleus
probability, a distance map and class probabilities, at tile resolution.

Training tiles: --tiles DIR (the folder layout of `edgert eval cells`: one folder per tile with image.png,
instances.png or .npy, classes.png or .npy, and classes.json at the root), or, without it, synthetic H&E-like tiles
with known nuclei (tools/cells/synthetic_nuclei.py: tumour, lymphocyte, fibroblast; touching and overlapping).

--slide writes a pyramidal tiled TIFF at 0.5 um/px of the same synthetic tissue and prints (or writes to --truth) every
nucleus it holds, in level-0 pixels. Needs Debian's python3-torch, python3-scipy, python3-pil and libvips-tools.
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

import synthetic_nuclei as syn  # noqa: E402

TILE = 224
CROP = 112


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_slide(args):
    rng = np.random.default_rng(args.seed)
    rgb, instances, _, nuclei = syn.render(args.width, args.height, rng, density=args.density)
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
    if args.truth:
        with open(args.truth, "w") as f:
            f.write(text)
    else:
        print(text)


# ---- the head ----

def build_head(torch, width, grid, prefix, classes):
    nn = torch.nn

    class CellHead(nn.Module):
        """Tokens -> a learned 16x16 (patch-size) decoding per token after a 3x3 context over the token grid; pixels ->
        two 3x3 convolutions; both joined at tile resolution into nucleus, distance and class maps."""

        def __init__(self):
            super().__init__()
            self.patch = TILE // grid
            self.tokens = nn.Sequential(nn.Conv2d(width, 48, 3, padding=1), nn.ReLU(), nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(),
                                        nn.Conv2d(48, 8 * self.patch * self.patch, 1), nn.PixelShuffle(self.patch))
            self.pixels = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
            self.join = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
                                      nn.Conv2d(16, 2 + classes, 1))

        def token_features(self, tokens):
            b = tokens.shape[0]
            x = tokens[:, prefix:, :].transpose(1, 2).reshape(b, width, grid, grid)
            return self.tokens(x)

        def logits(self, features, pixels):
            return self.join(torch.cat([features, self.pixels(pixels)], dim=1))

        def forward(self, tokens, pixels):
            out = self.logits(self.token_features(tokens), pixels)
            return torch.sigmoid(out[:, 0]), torch.sigmoid(out[:, 1]), torch.softmax(out[:, 2:], dim=1)

    return CellHead()


def synthetic_tiles(count, rng):
    images, instances, classes = [], [], []
    for _ in range(count):
        rgb, inst, cls, _ = syn.render(TILE, TILE, rng, density=rng.uniform(0.7, 1.6))
        images.append(rgb)
        instances.append(inst)
        classes.append(cls)
    return np.stack(images), np.stack(instances), np.stack(classes), list(syn.CLASSES), list(syn.COLOURS)


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
    else:
        images, instances, classes, names, colours = synthetic_tiles(args.count, rng)
    distances = np.stack([syn.distance_target(i) for i in instances])
    rendered = time.monotonic() - started

    vit, _ = family.load(args.checkpoint)
    graph = TokenGraph(vit, [depth]).eval()
    mean = torch.tensor(pre["mean"])[None, :, None, None]
    std = torch.tensor(pre["std"])[None, :, None, None]
    pixels = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0
    with torch.no_grad():
        tokens = torch.cat([graph((pixels[i:i + 16] - mean) / std)[1] for i in range(0, len(pixels), 16)])
    encoded = time.monotonic() - started - rendered

    head = build_head(torch, width, grid, prefix, len(names))
    optimiser = torch.optim.Adam(head.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, args.steps)
    fg = torch.from_numpy(instances > 0).float()
    dist = torch.from_numpy(distances)
    cls = torch.from_numpy(classes.astype(np.int64)) - 1  # -1 = background, ignored by the class loss
    n = len(images)
    losses = []
    for step in range(args.steps):
        pick = torch.from_numpy(rng.choice(n, size=args.batch, replace=False))
        y0, x0 = (int(v) for v in rng.integers(0, TILE - CROP + 1, size=2))
        window = (slice(None), slice(None), slice(y0, y0 + CROP), slice(x0, x0 + CROP))
        features = head.token_features(tokens[pick])[window]
        out = head.logits(features, pixels[pick][window])
        f, d, c = fg[pick][:, y0:y0 + CROP, x0:x0 + CROP], dist[pick][:, y0:y0 + CROP, x0:x0 + CROP], cls[pick][:, y0:y0 + CROP, x0:x0 + CROP]
        loss = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], f)
        loss = loss + 4 * (((torch.sigmoid(out[:, 1]) - d) ** 2) * (0.2 + f)).mean()
        loss = loss + torch.nn.functional.cross_entropy(out[:, 2:], c, ignore_index=-1)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(float(loss))
        if step % 50 == 0 or step == args.steps - 1:
            print(f"step {step}: loss {np.mean(losses[-50:]):.4f}", file=sys.stderr)
    trained = time.monotonic() - started - rendered - encoded

    head.eval()
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
            "inputs": {"tokens": [{"input": tokens_name, "depth": depth}], "pixels": "pixels"},
            "outputs": {"nucleus": "nucleus", "distance": "distance", "classes": "classes"},
            "classes": [{"name": name, "colour": colour} for name, colour in zip(names, colours)],
            "postProcessing": {"foregroundThreshold": 0.5, "markerDistance": 0.45, "minimumArea": 10},
            "training": {"tiles": n, "steps": args.steps, "seed": args.seed, "seconds": round(trained, 1),
                         "source": args.tiles or "synthetic (tools/cells/synthetic_nuclei.py)"},
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
                      "trainSeconds": round(trained, 1), "finalLoss": round(float(np.mean(losses[-50:])), 4)}))


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
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--slide")
    p.add_argument("--truth")
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

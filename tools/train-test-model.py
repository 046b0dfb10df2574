#!/usr/bin/python3
"""Trains the TEXTURE TEST MODEL: a tiny CLIP whose outputs mean something, so that tests can check that a tag, a
segmentation mask or a search hit is right, not only that it runs. It is NOT a pathology model.

Real pathology weights (PLIP, QuiltNet, CONCH) cannot be downloaded here, and the reference models have random
weights. This one learns, with a contrastive (CLIP) loss, four visually distinct real images from scikit-image's
data files (Debian's python3-skimage, obtained by install/sample-images.sh):

  brick    brick.png     a brick wall (grey)
  grass    grass.png     grass (grey)
  gravel   gravel.png    gravel (grey)
  ihc      ihc.png       an immunohistochemistry field (brown DAB, blue haematoxylin)

paired with captions from templates, tokenised by the real CLIP tokenizer. Training crops come from the LEFT 60 % of
each image; the right 40 % is never seen in training and is where held-out crops come from (--held-out writes some),
so that a zero-shot accuracy measured on them is a real generalisation figure.

Image tower: a small CNN (4 strided 3x3 convolutions, global mean, projection), 64 px input, CLIP's normalisation.
Text tower: token embeddings averaged over the caption's tokens (padding excluded), then a small MLP: a bag of
words, because Debian's PyTorch has a generic BLAS, on which even a 2-layer transformer takes seconds a step. Embedding 64. Seeded; about a
minute on 2 CPU cores. The package is an ordinary model package (manifest, hashes) plus its own prompt set; the
manifest records a key over the inputs (this script, the images, the tokenizer), and a package with the same key is
kept, not retrained.

Needs Debian's python3-torch, python3-onnx, python3-pil, python3-numpy.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
from torch import nn
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("reference_models", os.path.join(HERE, "make-reference-models.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

MODEL_ID = "texture-test-model"
PROMPT_ID = "textures"
VERSION = "1.0.0"
INPUT = 64
EMBED = 64
TRAIN_SHARE = 0.6  # columns [0, 60 %) train; [60 %, 100 %) held out
SEED = 12
STEPS = 300
BATCH = 96

# Class -> (image, what people call it). Training captions use the TRAIN templates; the shipped prompt set uses
# some of them and some it never saw, so that ensembling over unseen wordings is exercised too.
CLASSES = {
    "brick": ("brick.png", ["brick", "bricks", "a brick wall", "brickwork"]),
    "grass": ("grass.png", ["grass", "a lawn", "blades of grass", "turf"]),
    "gravel": ("gravel.png", ["gravel", "pebbles", "small stones", "a gravel path"]),
    "ihc": ("ihc.png", ["immunohistochemistry", "an ihc stained tissue section", "brown and blue stained cells", "ihc staining"]),
}
TRAIN_TEMPLATES = ["{}", "a photo of {}", "an image of {}", "a close-up of {}", "a texture of {}", "a picture showing {}",
                   "this is {}", "there is {}"]
PROMPT_TEMPLATES = ["a photo of {}.", "an image of {}.", "{}.", "a close-up photo of {}.", "a picture of {}."]


def input_key(images_dir, tokenizer_dir):
    h = hashlib.sha256()
    for path in [os.path.abspath(__file__), os.path.join(HERE, "make-reference-models.py")] \
            + [os.path.join(images_dir, f) for f, _ in CLASSES.values()] \
            + [os.path.join(tokenizer_dir, f) for f in ("vocab.json", "merges.txt")]:
        h.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


class TextTower(nn.Module):
    """Mean of the token embeddings of a caption (start and end tokens included, padding not), then an MLP."""

    def __init__(self):
        super().__init__()
        self.token = nn.Embedding(ref.VOCAB, EMBED)
        self.mlp = nn.Sequential(nn.Linear(EMBED, 128), nn.ReLU(), nn.Linear(128, EMBED))

    def forward(self, input_ids):
        keep = (input_ids != ref.PAD_ID).to(torch.float32).unsqueeze(-1)
        pooled = (self.token(input_ids) * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
        return self.mlp(pooled)


class ImageTower(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for width in (32, 64, 96, 128):
            layers += [nn.Conv2d(c, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
            c = width
        self.features = nn.Sequential(*layers)
        self.proj = nn.Linear(c, EMBED)

    def forward(self, pixel_values):
        return self.proj(self.features(pixel_values).mean(dim=(2, 3)))


def load_rgb(path):
    return Image.open(path).convert("RGB")


def crop(image, rng, x0, x1, sizes):
    """A random square crop inside columns [x0, x1), flipped and rotated, resized as the runtime resizes a tile."""
    w, h = image.size
    s = int(rng.integers(sizes[0], sizes[1] + 1))
    s = min(s, x1 - x0, h)
    x = int(rng.integers(x0, x1 - s + 1))
    y = int(rng.integers(0, h - s + 1))
    c = image.crop((x, y, x + s, y + s))
    if rng.random() < 0.5:
        c = c.transpose(Image.FLIP_LEFT_RIGHT)
    c = c.rotate(90 * int(rng.integers(0, 4)))
    return c.resize((INPUT, INPUT), Image.BICUBIC)


def to_tensor(images):
    x = torch.from_numpy(np.stack([np.asarray(i, dtype=np.float32) / 255.0 for i in images])).permute(0, 3, 1, 2)
    mean = torch.tensor(ref.CLIP_MEAN)[None, :, None, None]
    std = torch.tensor(ref.CLIP_STD)[None, :, None, None]
    return (x - mean) / std


def train(images_dir, tokenizer_dir, log):
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    names = list(CLASSES)
    sources = [load_rgb(os.path.join(images_dir, f)) for f, _ in CLASSES.values()]
    tok = ref.PyClipTokenizer(os.path.join(tokenizer_dir, "vocab.json"), os.path.join(tokenizer_dir, "merges.txt"))
    captions = [[t.format(s) for t in TRAIN_TEMPLATES for s in synonyms] for _, synonyms in CLASSES.values()]
    caption_ids = [torch.tensor([tok.encode_fixed(c) for c in cs], dtype=torch.long) for cs in captions]

    image_tower = ImageTower()
    text_tower = TextTower()
    logit_scale = nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float32))
    params = list(image_tower.parameters()) + list(text_tower.parameters()) + [logit_scale]
    optimiser = torch.optim.AdamW(params, lr=2e-3, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=STEPS, pct_start=0.1)

    per_class = BATCH // len(names)
    started = time.time()
    for step in range(STEPS):
        crops, labels = [], []
        for c, image in enumerate(sources):
            x1 = int(image.size[0] * TRAIN_SHARE)
            for _ in range(per_class):
                piece = crop(image, rng, 0, x1, (96, 288))
                # Brightness and contrast vary between scanners and photographs; the class must not hang on them.
                arr = np.asarray(piece, dtype=np.float32)
                arr = (arr - arr.mean()) * rng.uniform(0.8, 1.2) + arr.mean() + rng.uniform(-20, 20)
                crops.append(Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)))
                labels.append(c)
        labels = torch.tensor(labels)
        ids = torch.stack([caption_ids[c][int(rng.integers(0, len(caption_ids[c])))] for c in labels.tolist()])
        image_tower.train()
        text_tower.train()
        img = nn.functional.normalize(image_tower(to_tensor(crops)), dim=-1)
        txt = nn.functional.normalize(text_tower(ids), dim=-1)
        logits = logit_scale.clamp(max=np.log(100)).exp() * img @ txt.t()
        # With four classes a batch has many pairs of the same class: each image's targets are every caption of
        # its class, not only its own (the plain CLIP loss would push same-class captions apart).
        same = (labels[:, None] == labels[None, :]).float()
        targets = same / same.sum(dim=1, keepdim=True)
        loss = (torch.sum(-targets * logits.log_softmax(dim=1), dim=1).mean()
                + torch.sum(-targets * logits.t().log_softmax(dim=1), dim=1).mean()) / 2
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 50 == 0 or step == STEPS - 1:
            log(f"step {step + 1}/{STEPS}  loss {loss.item():.3f}  {time.time() - started:.0f} s")
    image_tower.eval()
    text_tower.eval()
    return image_tower, text_tower, float(logit_scale.clamp(max=np.log(100)).exp()), time.time() - started


def held_out_accuracy(image_tower, text_tower, images_dir, tokenizer_dir):
    """Zero-shot accuracy of the trained towers on held-out crops, with the shipped prompts (a check, not the test)."""
    tok = ref.PyClipTokenizer(os.path.join(tokenizer_dir, "vocab.json"), os.path.join(tokenizer_dir, "merges.txt"))
    rng = np.random.default_rng(SEED + 1)
    with torch.no_grad():
        classes = []
        for _, synonyms in CLASSES.values():
            ids = torch.tensor([tok.encode_fixed(t.format(s)) for t in PROMPT_TEMPLATES for s in synonyms])
            e = nn.functional.normalize(text_tower(ids), dim=-1).mean(0)
            classes.append(nn.functional.normalize(e, dim=0))
        classes = torch.stack(classes)
        right = 0
        total = 0
        for c, (f, _) in enumerate(CLASSES.values()):
            image = load_rgb(os.path.join(images_dir, f))
            x0 = int(image.size[0] * TRAIN_SHARE)
            crops = [crop(image, rng, x0, image.size[0], (128, 200)) for _ in range(25)]
            pred = (nn.functional.normalize(image_tower(to_tensor(crops)), dim=-1) @ classes.t()).argmax(1)
            right += int((pred == c).sum())
            total += len(crops)
    return right / total


def write_held_out(images_dir, out_dir, per_class):
    """Held-out crops as PNGs in class folders, at their own size (the runtime resizes them as it does tiles)."""
    rng = np.random.default_rng(SEED + 2)
    for name, (f, _) in CLASSES.items():
        image = load_rgb(os.path.join(images_dir, f))
        x0 = int(image.size[0] * TRAIN_SHARE)
        os.makedirs(os.path.join(out_dir, name), exist_ok=True)
        for i in range(per_class):
            s = int(rng.integers(128, 201))
            x = int(rng.integers(x0, image.size[0] - s + 1))
            y = int(rng.integers(0, image.size[1] - s + 1))
            image.crop((x, y, x + s, y + s)).save(os.path.join(out_dir, name, f"{name}-{i:03d}.png"))


def export(image_tower, text_tower, logit_scale, key, seconds, accuracy, out_root, tokenizer_dir):
    final = os.path.join(out_root, MODEL_ID, VERSION)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".building-", dir=os.path.dirname(final))
    os.chmod(work, 0o755)
    with torch.no_grad():
        torch.onnx.export(image_tower, torch.zeros(1, 3, INPUT, INPUT), os.path.join(work, "image_encoder.onnx"),
                          input_names=["pixel_values"], output_names=["image_embeds"],
                          dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=17)
        torch.onnx.export(text_tower, torch.zeros(1, ref.CONTEXT, dtype=torch.long), os.path.join(work, "text_encoder.onnx"),
                          input_names=["input_ids"], output_names=["text_embeds"],
                          dynamic_axes={"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}}, opset_version=17)
    os.makedirs(os.path.join(work, "tokenizer"))
    for f in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(tokenizer_dir, f), os.path.join(work, "tokenizer", f))
    files = ["image_encoder.onnx", "text_encoder.onnx", "tokenizer/vocab.json", "tokenizer/merges.txt"]
    manifest = {
        "schemaVersion": 1,
        "id": MODEL_ID,
        "name": "Texture test model: a tiny CLIP trained on four textures (TEST MODEL, not a pathology model)",
        "version": VERSION,
        "family": "clip",
        "license": "MIT (weights trained by tools/train-test-model.py on scikit-image's data files, BSD-3-Clause; tokenizer files from OpenAI CLIP, MIT)",
        "source": (f"tools/train-test-model.py, seed {SEED}, {STEPS} steps, inputs key {key}: TEST MODEL that knows brick, grass, "
                   f"gravel and an IHC field; trained in {seconds:.0f} s; held-out zero-shot accuracy {accuracy:.3f} at training"),
        "imageEncoder": {"file": "image_encoder.onnx", "input": "pixel_values", "output": "image_embeds"},
        "textEncoder": {"file": "text_encoder.onnx", "input": "input_ids", "output": "text_embeds"},
        "tokenizer": {"kind": "clip-bpe", "vocab": "tokenizer/vocab.json", "merges": "tokenizer/merges.txt",
                      "contextLength": ref.CONTEXT, "padTokenId": ref.PAD_ID},
        "preprocessing": {"inputSize": INPUT, "resize": "shortest-side", "interpolation": "bicubic",
                          "centerCrop": True, "mean": ref.CLIP_MEAN, "std": ref.CLIP_STD, "channelOrder": "RGB"},
        "embeddingSize": EMBED,
        "logitScale": logit_scale,
        "tiling": {"targetMicronsPerPixel": 0.5, "tileSize": 224},
        "files": {f: ref.sha256(os.path.join(work, f)) for f in files},
    }
    with open(os.path.join(work, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.replace(work, final)
    return final


def write_prompts(out_dir):
    final = os.path.join(out_dir, PROMPT_ID, VERSION, "prompts.json")
    os.makedirs(os.path.dirname(final), exist_ok=True)
    prompts = {
        "schemaVersion": 1,
        "id": PROMPT_ID,
        "name": "Textures of the texture test model (brick, grass, gravel, IHC): TEST prompt set, not pathology",
        "version": VERSION,
        "families": ["clip"],
        "templates": PROMPT_TEMPLATES,
        "classes": [{"name": n, "synonyms": s} for n, (_, s) in CLASSES.items()],
    }
    tmp = final + ".part"
    with open(tmp, "w") as f:
        json.dump(prompts, f, indent=2)
    os.replace(tmp, final)
    return final


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", required=True, help="folder with brick.png, grass.png, gravel.png, ihc.png (install/sample-images.sh)")
    p.add_argument("--out", required=True, help="folder of model packages (the package goes to <out>/texture-test-model/1.0.0/)")
    p.add_argument("--prompts-out", help="folder of prompt sets (the set goes to <prompts-out>/textures/1.0.0/prompts.json)")
    p.add_argument("--tokenizer", required=True, help="folder with CLIP's vocab.json and merges.txt (plugins/tokenizers/clip)")
    p.add_argument("--held-out", help="write held-out crops here, one folder per class")
    p.add_argument("--held-out-per-class", type=int, default=20)
    a = p.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")  # shape-inference notes, harmless here
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    log = lambda m: print(m, file=sys.stderr, flush=True)

    key = input_key(a.images, a.tokenizer)
    manifest = os.path.join(a.out, MODEL_ID, VERSION, "model.json")
    present = os.path.exists(manifest) and key in json.load(open(manifest))["source"]
    if present:
        print("present " + os.path.dirname(manifest), flush=True)
    else:
        image_tower, text_tower, scale, seconds = train(a.images, a.tokenizer, log)
        accuracy = held_out_accuracy(image_tower, text_tower, a.images, a.tokenizer)
        log(f"held-out zero-shot accuracy {accuracy:.3f} (chance 0.25); trained in {seconds:.0f} s")
        print("built " + export(image_tower, text_tower, scale, key, seconds, accuracy, a.out, a.tokenizer), flush=True)
    if a.prompts_out:
        print("prompts " + write_prompts(a.prompts_out), flush=True)
    if a.held_out:
        write_held_out(a.images, a.held_out, a.held_out_per_class)
        print("held-out " + a.held_out, flush=True)


if __name__ == "__main__":
    main()

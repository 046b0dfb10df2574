#!/usr/bin/python3
"""Builds CLIP-architecture reference model packages with fixed, seeded random weights.

These are PIPELINE-TEST MODELS: their weights are random, so their tags and embeddings mean nothing. They
exist because real pathology weights (PLIP, QuiltNet, CONCH) cannot be downloaded on our machines, while
the runtime must still be exercised end to end with models of the real shapes:

  clip-vit-b32-reference   the exact shapes of OpenAI CLIP ViT-B/32, the PLIP and QuiltNet image tower
                           (224 px, patch 32, width 768, 12 layers; text width 512, 12 layers, context 77,
                           vocabulary 49,408; embedding 512)
  conch-sized-reference    a CONCH-sized image tower (ViT-B/16 at 448 px) with a CLIP text tower
  tiny-reference           a small model of the same architecture, for fast tests

Each package is a folder <out>/<id>/<version>/ with model.json (the manifest), image_encoder.onnx,
text_encoder.onnx and the CLIP tokenizer files, written atomically (a temporary folder, then a rename).

With --reference-images, it also writes reference.json: image and text embeddings computed by PyTorch
with Pillow preprocessing (resize the shortest side with bicubic, centre crop, normalise), which the
runtime's own embeddings must reproduce.

Needs Debian's python3-torch, python3-onnx and python3-pil.
"""
import argparse
import hashlib
import json
import math
import os
import re
import shutil
import sys
import tempfile
import unicodedata

import numpy as np
import torch
from torch import nn
from PIL import Image

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
VERSION = "1.0.0"

MODELS = {
    "clip-vit-b32-reference": dict(
        name="CLIP ViT-B/32 shapes, random weights (pipeline test model)",
        image_size=224, patch=32, vision_width=768, vision_layers=12, vision_heads=12,
        text_width=512, text_layers=12, text_heads=8, embed=512, seed=32),
    "conch-sized-reference": dict(
        name="CONCH-sized ViT-B/16 at 448 px, random weights (pipeline test model)",
        image_size=448, patch=16, vision_width=768, vision_layers=12, vision_heads=12,
        text_width=512, text_layers=12, text_heads=8, embed=512, seed=16),
    "tiny-reference": dict(
        name="Tiny CLIP, random weights (fast pipeline test model)",
        image_size=64, patch=16, vision_width=64, vision_layers=2, vision_heads=2,
        text_width=64, text_layers=2, text_heads=2, embed=32, seed=7),
}
CONTEXT = 77
VOCAB = 49408
PAD_ID = 0  # OpenAI CLIP and open_clip pad with 0; pooling takes the end token by arg-max of the ids


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), QuickGELU(), nn.Linear(4 * width, width))

    def attention(self, x, mask):
        n, t, w = x.shape
        q, k, v = self.qkv(x).reshape(n, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(w // self.heads)
        if mask is not None:
            scores = scores + mask
        return self.out((scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, w))

    def forward(self, x, mask=None):
        x = x + self.attention(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class VisionTower(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = c["vision_width"]
        self.conv = nn.Conv2d(3, w, kernel_size=c["patch"], stride=c["patch"], bias=False)
        self.cls = nn.Parameter(torch.randn(w) * w ** -0.5)
        self.pos = nn.Parameter(torch.randn((c["image_size"] // c["patch"]) ** 2 + 1, w) * w ** -0.5)
        self.ln_pre = nn.LayerNorm(w)
        self.blocks = nn.ModuleList([Block(w, c["vision_heads"]) for _ in range(c["vision_layers"])])
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.randn(w, c["embed"]) * w ** -0.5)

    def forward(self, pixel_values):
        x = self.conv(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls.expand(x.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, x], dim=1) + self.pos)
        for b in self.blocks:
            x = b(x)
        return self.ln_post(x[:, 0]) @ self.proj


class TextTower(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = c["text_width"]
        self.token = nn.Embedding(VOCAB, w)
        self.pos = nn.Parameter(torch.randn(CONTEXT, w) * 0.01)
        self.blocks = nn.ModuleList([Block(w, c["text_heads"]) for _ in range(c["text_layers"])])
        self.ln_final = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.randn(w, c["embed"]) * w ** -0.5)
        self.register_buffer("mask", torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1))

    def forward(self, input_ids):
        x = self.token(input_ids) + self.pos
        for b in self.blocks:
            x = b(x, self.mask)
        x = self.ln_final(x)
        eot = input_ids.argmax(dim=-1)  # <|endoftext|> has the highest id of the vocabulary
        return x[torch.arange(x.shape[0]), eot] @ self.proj


def build(c):
    torch.manual_seed(c["seed"])
    vision, text = VisionTower(c).eval(), TextTower(c).eval()
    for module in list(vision.modules()) + list(text.modules()):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=0.02)
    logit_scale = float(np.exp(np.log(1 / 0.07)))
    return vision, text, logit_scale


# ---- tokenizer: an independent Python implementation of CLIP's BPE, checked against golden ids ----

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class PyClipTokenizer:
    # CLIP's pattern with \p{L} as [^\W\d_] and \p{N} as \d: the same on the prompts the references use.
    PATTERN = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+", re.UNICODE)

    def __init__(self, vocab_path, merges_path):
        self.encoder = json.load(open(vocab_path, encoding="utf-8"))
        merges = open(merges_path, encoding="utf-8").read().split("\n")[1:]
        self.ranks = {tuple(m.split()): i for i, m in enumerate(merges) if m.strip()}
        self.byte_encoder = bytes_to_unicode()

    def bpe(self, token):
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        return word

    def encode(self, text):
        text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).lower()
        ids = [self.encoder["<|startoftext|>"]]
        for piece in self.PATTERN.findall(text):
            mapped = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(mapped))
        ids.append(self.encoder["<|endoftext|>"])
        return ids

    def encode_fixed(self, text):
        ids = self.encode(text)[:CONTEXT]
        ids[-1] = self.encoder["<|endoftext|>"]
        return ids + [PAD_ID] * (CONTEXT - len(ids))


# ---- preprocessing as CLIP's reference pipeline (Pillow + torchvision-style crop) ----

def preprocess(image, size):
    image = image.convert("RGB")
    w, h = image.size
    if w <= h:
        nw, nh = size, int(size * h / w)
    else:
        nw, nh = int(size * w / h), size
    if (nw, nh) != (w, h):
        image = image.resize((nw, nh), Image.BICUBIC)
    top, left = int(round((nh - size) / 2.0)), int(round((nw - size) / 2.0))
    image = image.crop((left, top, left + size, top + size))
    x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
    x = (x - torch.tensor(CLIP_MEAN)[:, None, None]) / torch.tensor(CLIP_STD)[:, None, None]
    return x


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(model_id, c, out_root, tokenizer_dir):
    final = os.path.join(out_root, model_id, VERSION)
    if os.path.exists(os.path.join(final, "model.json")):
        return final, False
    os.makedirs(os.path.dirname(final), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".building-", dir=os.path.dirname(final))
    os.chmod(work, 0o755)
    vision, text, logit_scale = build(c)
    with torch.no_grad():
        torch.onnx.export(vision, torch.zeros(1, 3, c["image_size"], c["image_size"]), os.path.join(work, "image_encoder.onnx"),
                          input_names=["pixel_values"], output_names=["image_embeds"],
                          dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=17)
        torch.onnx.export(text, torch.zeros(1, CONTEXT, dtype=torch.long), os.path.join(work, "text_encoder.onnx"),
                          input_names=["input_ids"], output_names=["text_embeds"],
                          dynamic_axes={"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}}, opset_version=17)
    os.makedirs(os.path.join(work, "tokenizer"))
    for f in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(tokenizer_dir, f), os.path.join(work, "tokenizer", f))
    files = ["image_encoder.onnx", "text_encoder.onnx", "tokenizer/vocab.json", "tokenizer/merges.txt"]
    manifest = {
        "schemaVersion": 1,
        "id": model_id,
        "name": c["name"],
        "version": VERSION,
        "family": "clip",
        "license": "MIT (random weights made by tools/make-reference-models.py; tokenizer files from OpenAI CLIP, MIT)",
        "source": f"tools/make-reference-models.py, seed {c['seed']}: PIPELINE TEST MODEL, random weights, its tags mean nothing",
        "imageEncoder": {"file": "image_encoder.onnx", "input": "pixel_values", "output": "image_embeds"},
        "textEncoder": {"file": "text_encoder.onnx", "input": "input_ids", "output": "text_embeds"},
        "tokenizer": {"kind": "clip-bpe", "vocab": "tokenizer/vocab.json", "merges": "tokenizer/merges.txt",
                      "contextLength": CONTEXT, "padTokenId": PAD_ID},
        "preprocessing": {"inputSize": c["image_size"], "resize": "shortest-side", "interpolation": "bicubic",
                          "centerCrop": True, "mean": CLIP_MEAN, "std": CLIP_STD, "channelOrder": "RGB"},
        "embeddingSize": c["embed"],
        "logitScale": logit_scale,
        "tiling": {"targetMicronsPerPixel": 0.5, "tileSize": 224},
        "files": {f: sha256(os.path.join(work, f)) for f in files},
    }
    with open(os.path.join(work, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.replace(work, final)
    return final, True


def write_reference(model_id, c, package, images, prompts, out_path):
    vision, text, _ = build(c)
    with torch.no_grad():
        pixel = torch.stack([preprocess(Image.open(p), c["image_size"]) for p in images])
        image_embeds = vision(pixel)
        tok = PyClipTokenizer(os.path.join(package, "tokenizer", "vocab.json"), os.path.join(package, "tokenizer", "merges.txt"))
        ids = torch.tensor([tok.encode_fixed(p) for p in prompts], dtype=torch.long)
        text_embeds = text(ids)
    # The preprocessed tensors too, raw float32 [N, 3, S, S], so that preprocessing can be compared directly:
    # random weights blur small input differences that a trained model would not.
    pixel.numpy().astype("<f4").tofile(out_path + ".pixels.f32")
    reference = {
        "model": model_id,
        "pixelValues": os.path.basename(out_path) + ".pixels.f32",
        "note": "PyTorch embeddings with Pillow preprocessing, from tools/make-reference-models.py",
        "images": [{"file": os.path.abspath(p), "embedding": e.tolist()} for p, e in zip(images, image_embeds)],
        "prompts": [{"text": t, "ids": i.tolist(), "embedding": e.tolist()} for t, i, e in zip(prompts, ids, text_embeds)],
    }
    tmp = out_path + ".part"
    with open(tmp, "w") as f:
        json.dump(reference, f)
    os.replace(tmp, out_path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="folder of model packages (packages go to <out>/<id>/<version>/)")
    p.add_argument("--tokenizer", required=True, help="folder with CLIP's vocab.json and merges.txt (the repo's plugins/tokenizers/clip)")
    p.add_argument("--only", action="append", choices=sorted(MODELS), help="build only this model (repeatable)")
    p.add_argument("--reference-images", nargs="*", default=[], help="images to compute reference embeddings for")
    p.add_argument("--reference-prompts", nargs="*", default=["an H&E image of adipose tissue", "colorectal adenocarcinoma epithelium", "a photo of a cat"])
    p.add_argument("--reference-out", help="reference.json to write (with --reference-images)")
    p.add_argument("--check-golden", help="golden-ids.json to check the Python tokenizer against before using it")
    a = p.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    if a.check_golden:
        tok = PyClipTokenizer(os.path.join(a.tokenizer, "vocab.json"), os.path.join(a.tokenizer, "merges.txt"))
        for case in json.load(open(a.check_golden))["cases"]:
            if case["text"].isascii() and tok.encode(case["text"]) != case["ids"]:
                sys.exit(f"Python tokenizer disagrees with {a.check_golden} on {case['text']!r}")

    for model_id in a.only or sorted(MODELS):
        package, built = export(model_id, MODELS[model_id], a.out, a.tokenizer)
        print(("built " if built else "present ") + package, flush=True)
        if a.reference_images:
            out = a.reference_out or os.path.join(package, "reference.json")
            write_reference(model_id, MODELS[model_id], package, a.reference_images, a.reference_prompts, out)
            print("reference " + out, flush=True)


if __name__ == "__main__":
    main()

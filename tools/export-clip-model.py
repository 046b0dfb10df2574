#!/usr/bin/env python3
"""Exports a real pathology CLIP model (PLIP, QuiltNet) to an EdgeRuntime model package.

Run it on a machine that has the weights and the model's own Python libraries (not ours: our machines
cannot download weights). It writes <out>/<id>/<version>/ with model.json, image_encoder.onnx,
text_encoder.onnx and the tokenizer files; copy that folder to the box and check it with
`edgert models check <folder>`. docs/models.md gives the settings for each model.

  PLIP      pip install torch transformers onnx pillow
            export-clip-model.py --kind hf --weights vinid/plip --id plip --version 1.0 --out packages
  QuiltNet  pip install torch open_clip_torch onnx pillow
            export-clip-model.py --kind open_clip --weights hf-hub:wisdomik/QuiltNet-B-32 --id quiltnet-b32 --version 1.0 --out packages

CONCH is not covered: its text tokenizer is not CLIP's, and the runtime does not support it yet.
"""
import argparse
import hashlib
import json
import os

import torch

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


class HfImage(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.get_image_features(pixel_values=pixel_values)  # projected, not normalised


class HfText(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        # Hugging Face pads with <|endoftext|>; the runtime pads with padTokenId (49407 here), so the
        # attention mask is derived from the first end token.
        eot = (input_ids == 49407).int().argmax(dim=-1, keepdim=True)
        mask = (torch.arange(input_ids.shape[1])[None, :] <= eot).long()
        return self.model.get_text_features(input_ids=input_ids, attention_mask=mask)


class OpenClipImage(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.encode_image(pixel_values)


class OpenClipText(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model.encode_text(input_ids)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kind", choices=["hf", "open_clip"], required=True)
    p.add_argument("--weights", required=True, help="Hugging Face id or local path of the checkpoint")
    p.add_argument("--id", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--license", default="see the model card")
    p.add_argument("--target-mpp", type=float, default=0.5, help="µm/px the model was trained at")
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args()

    folder = os.path.join(a.out, a.id, a.version)
    os.makedirs(os.path.join(folder, "tokenizer"), exist_ok=True)
    if a.kind == "hf":
        from transformers import CLIPModel, CLIPTokenizer
        model = CLIPModel.from_pretrained(a.weights).eval()
        image, text = HfImage(model), HfText(model)
        CLIPTokenizer.from_pretrained(a.weights).save_pretrained(os.path.join(folder, "tokenizer"))
        size, embed = model.config.vision_config.image_size, model.config.projection_dim
        logit_scale, pad = float(model.logit_scale.exp()), 49407
    else:
        import open_clip
        model, _, _ = open_clip.create_model_and_transforms(a.weights)
        model.eval()
        image, text = OpenClipImage(model), OpenClipText(model)
        # open_clip's CLIP tokenizer is OpenAI's BPE: write it in the vocab.json / merges.txt layout.
        from transformers import CLIPTokenizer
        CLIPTokenizer.from_pretrained("openai/clip-vit-base-patch32").save_pretrained(os.path.join(folder, "tokenizer"))
        size, embed = model.visual.image_size[0], model.text_projection.shape[1]
        logit_scale, pad = float(model.logit_scale.exp()), 0

    with torch.no_grad():
        torch.onnx.export(image, torch.zeros(1, 3, size, size), os.path.join(folder, "image_encoder.onnx"),
                          input_names=["pixel_values"], output_names=["image_embeds"],
                          dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=a.opset)
        torch.onnx.export(text, torch.zeros(1, 77, dtype=torch.long), os.path.join(folder, "text_encoder.onnx"),
                          input_names=["input_ids"], output_names=["text_embeds"],
                          dynamic_axes={"input_ids": {0: "batch"}, "text_embeds": {0: "batch"}}, opset_version=a.opset)

    files = ["image_encoder.onnx", "text_encoder.onnx", "tokenizer/vocab.json", "tokenizer/merges.txt"]
    manifest = {
        "schemaVersion": 1, "id": a.id, "name": a.id, "version": a.version, "family": "clip",
        "license": a.license, "source": f"{a.weights}, exported by tools/export-clip-model.py (opset {a.opset})",
        "imageEncoder": {"file": files[0], "input": "pixel_values", "output": "image_embeds"},
        "textEncoder": {"file": files[1], "input": "input_ids", "output": "text_embeds"},
        "tokenizer": {"kind": "clip-bpe", "vocab": files[2], "merges": files[3], "contextLength": 77, "padTokenId": pad},
        "preprocessing": {"inputSize": size, "resize": "shortest-side", "interpolation": "bicubic", "centerCrop": True,
                          "mean": CLIP_MEAN, "std": CLIP_STD, "channelOrder": "RGB"},
        "embeddingSize": embed, "logitScale": logit_scale,
        "tiling": {"targetMicronsPerPixel": a.target_mpp, "tileSize": size},
        "files": {f: sha256(os.path.join(folder, f)) for f in files},
    }
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(folder)


if __name__ == "__main__":
    main()

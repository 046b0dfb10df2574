"""What a vision-only family needs on top of the timm-layout Vision Transformer (vit_model.py): its configuration
read from the family's published config.json, a strict import, ONNX export of the final tokens (and tokens from
named depths) into a format-2 package, and reference embeddings computed by PyTorch.
"""
import json
import math
import os

import numpy as np
import onnx
import torch
from PIL import Image

from . import package as pkg
from . import safetensors_io
from .vit_model import TokenGraph, VisionTransformer

# ---- configuration: the family's timm architecture, then its config.json's model_args on top ----

ARCHITECTURES = {
    # timm's registered model functions (the defaults a hub config's model_args override)
    "vit_large_patch16_224": dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4.0),
    "vit_huge_patch14_224": dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, mlp_ratio=4.0),
    "vit_giant_patch14_224": dict(patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=48 / 11),
    "vit_giant_patch14_dinov2": dict(patch_size=14, embed_dim=1536, depth=40, num_heads=24, init_values=1e-5,
                                     mlp_ratio=2.66667 * 2, mlp_layer="swiglu_packed", img_size=518),
    "vit_giant_patch14_reg4_dinov2": dict(patch_size=14, embed_dim=1536, depth=40, num_heads=24, init_values=1e-5,
                                          mlp_ratio=2.66667 * 2, mlp_layer="swiglu_packed", reg_tokens=4,
                                          no_embed_class=True, img_size=518),
}
DEFAULTS = dict(img_size=224, patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0, init_values=None,
                reg_tokens=0, no_embed_class=False, mlp_layer="mlp")
# How model_args spell the MLP in hub configs and in Python kwargs (timm.layers.SwiGLUPacked).
MLP_NAMES = {"swiglu_packed": "swiglu_packed", "SwiGLUPacked": "swiglu_packed", "timm.layers.SwiGLUPacked": "swiglu_packed",
             "mlp": "mlp", "Mlp": "mlp"}
IGNORED_ARGS = {"num_classes", "global_pool", "dynamic_img_size", "act_layer", "in_chans", "class_token", "qkv_bias"}


def resolve_config(architecture, model_args):
    """The effective ViT configuration, refusing model_args this module does not model (so nothing is silently lost)."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture '{architecture}' is not one this importer models ({', '.join(sorted(ARCHITECTURES))})")
    c = dict(DEFAULTS)
    c.update(ARCHITECTURES[architecture])
    for key, value in (model_args or {}).items():
        if key in IGNORED_ARGS:
            continue
        if key == "mlp_layer":
            if value not in MLP_NAMES:
                raise ValueError(f"config.json: model_args.mlp_layer '{value}' is not supported (SwiGLUPacked or Mlp)")
            value = MLP_NAMES[value]
        elif key not in DEFAULTS:
            raise ValueError(f"config.json: model_args.{key} is not supported by this importer")
        c[key] = value
    if c["embed_dim"] % c["num_heads"]:
        raise ValueError(f"config.json: embed_dim {c['embed_dim']} is not a multiple of num_heads {c['num_heads']}")
    if c["img_size"] % c["patch_size"]:
        raise ValueError(f"config.json: img_size {c['img_size']} is not a multiple of patch_size {c['patch_size']}")
    return c


# ---- checkpoints ----

def load_state_dict(path):
    if path.endswith(".safetensors"):
        return safetensors_io.load(path)
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict):
        raise ValueError(f"{path}: not a state dict")
    return state


def strict_load(module, state, source):
    """Loads state into module only if every key is used and every shape matches; else names the first that differ."""
    ours = module.state_dict()
    missing = [k for k in ours if k not in state]
    unexpected = [k for k in state if k not in ours]
    shapes = [f"{k} {list(state[k].shape)} (expected {list(ours[k].shape)})"
              for k in ours if k in state and tuple(state[k].shape) != tuple(ours[k].shape)]
    problems = []
    if missing:
        problems.append(f"missing keys: {', '.join(missing[:5])}" + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    if unexpected:
        problems.append(f"unexpected keys: {', '.join(unexpected[:5])}" + (f" and {len(unexpected) - 5} more" if len(unexpected) > 5 else ""))
    if shapes:
        problems.append(f"wrong shapes: {', '.join(shapes[:5])}" + (f" and {len(shapes) - 5} more" if len(shapes) > 5 else ""))
    if problems:
        raise ValueError(f"{source}: does not match the family's layout: " + "; ".join(problems))
    module.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)


# ---- preprocessing as the families' torchvision pipelines do it (Pillow) ----

def preprocess(image, p):
    image = image.convert("RGB")
    size = p["inputSize"]
    resample = Image.BICUBIC if p["interpolation"] == "bicubic" else Image.BILINEAR
    if p["resize"] == "exact":
        if image.size != (size, size):
            image = image.resize((size, size), resample)
    else:
        target = p.get("resizeTo", size)
        w, h = image.size
        nw, nh = (target, int(target * h / w)) if w <= h else (int(target * w / h), target)
        if (nw, nh) != (w, h):
            image = image.resize((nw, nh), resample)
    if p.get("centerCrop", False):
        w, h = image.size
        top, left = int(round((h - size) / 2.0)), int(round((w - size) / 2.0))
        image = image.crop((left, top, left + size, top + size))
    x = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
    return (x - torch.tensor(p["mean"])[:, None, None]) / torch.tensor(p["std"])[:, None, None]


def compose(tokens, how, prefix):
    """The embedding the family's model card computes from the final tokens."""
    cls = tokens[:, 0]
    mean = tokens[:, prefix:].mean(dim=1)
    return {"class-token": cls, "mean-patch": mean, "class-plus-mean-patch": torch.cat([cls, mean], dim=-1)}[how]


def seeded_state(vit, seed):
    """Random weights in the family's layout: every tensor, LayerScale and tokens included, drawn from one seed."""
    g = torch.Generator().manual_seed(seed)
    state = {}
    for name, t in vit.state_dict().items():
        if name.endswith("gamma"):
            value = 0.5 + torch.rand(t.shape, generator=g)
        elif ".norm" in name or name.startswith("norm"):
            value = (1.0 if name.endswith("weight") else 0.0) + 0.1 * torch.randn(t.shape, generator=g)
        else:
            fan_in = t[0].numel() if t.dim() > 1 else t.shape[-1]
            value = torch.randn(t.shape, generator=g) / math.sqrt(max(fan_in, 1))
        state[name] = value.contiguous()
    return state


def _declare_token_shapes(path, outputs, count, width):
    """The exporter leaves token outputs' dimensions symbolic; the runtime checks them against the manifest, so the
    graph states them (the weights, in the graph or in external data, are left as they are)."""
    model = onnx.load(path, load_external_data=False)
    for output in model.graph.output:
        if output.name in outputs:
            dims = output.type.tensor_type.shape.dim
            dims[1].dim_value, dims[2].dim_value = count, width
    onnx.save(model, path)


class VisionFamily:
    """One vision-only family: its published layout (architecture, config, checkpoint file), its card's
    preprocessing and embedding, its licence and terms; a full-size configuration and a structural twin."""

    def __init__(self, family_id, *, name, architecture, model_args, twin_args, checkpoint_file, preprocessing,
                 compose, license, terms, source, dense_depths, tile_microns=0.5, hub_extra=None):
        self.id = family_id
        self.kind = "vision-only"
        self.name = name
        self.architecture = architecture
        self.model_args = model_args
        self.twin_args = twin_args
        self.checkpoint_file = checkpoint_file
        self.preprocessing = preprocessing
        self.compose = compose
        self.license = license
        self.terms = terms
        self.source = source
        self.dense_depths = dense_depths
        self.tile_microns = tile_microns
        self.hub_extra = hub_extra or {}

    def config(self, twin):
        args = dict(self.model_args)
        if twin:
            args.update(self.twin_args)
        return args

    # A checkpoint folder as the family publishes it: config.json (timm's hub format) and the weights file.
    def write_synthetic(self, folder, twin=True, seed=0):
        os.makedirs(folder, exist_ok=True)
        args = self.config(twin)
        c = resolve_config(self.architecture, args)
        vit = VisionTransformer(c)
        state = seeded_state(vit, seed)
        hub = {"architecture": self.architecture, "num_classes": 0, "num_features": c["embed_dim"],
               "global_pool": self.hub_extra.get("global_pool", "token"), "model_args": args,
               "pretrained_cfg": {"input_size": [3, self.preprocessing["inputSize"], self.preprocessing["inputSize"]],
                                  "interpolation": self.preprocessing["interpolation"],
                                  "mean": self.preprocessing["mean"], "std": self.preprocessing["std"],
                                  "license": self.license}}
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(hub, f, indent=2)
        path = os.path.join(folder, self.checkpoint_file)
        if path.endswith(".safetensors"):
            safetensors_io.save(state, path, metadata={"format": "pt"})
        else:
            torch.save(state, path)
        return path

    def _locate(self, checkpoint):
        """(weights file, config.json or None) from a folder or a file."""
        if os.path.isdir(checkpoint):
            for name in (self.checkpoint_file, "model.safetensors", "pytorch_model.bin"):
                if os.path.isfile(os.path.join(checkpoint, name)):
                    weights = os.path.join(checkpoint, name)
                    break
            else:
                raise ValueError(f"{checkpoint}: no {self.checkpoint_file} (nor model.safetensors, pytorch_model.bin) in the folder")
            folder = checkpoint
        elif os.path.isfile(checkpoint):
            weights, folder = checkpoint, os.path.dirname(os.path.abspath(checkpoint))
        else:
            raise ValueError(f"{checkpoint}: no such file or folder")
        config = os.path.join(folder, "config.json")
        return weights, (config if os.path.isfile(config) else None)

    def load(self, checkpoint):
        """Our module with the checkpoint's weights, strictly; the effective configuration."""
        weights, config_path = self._locate(checkpoint)
        args = self.model_args
        if config_path:
            with open(config_path) as f:
                hub = json.load(f)
            architecture = hub.get("architecture")
            if architecture != self.architecture:
                raise ValueError(f"{config_path}: architecture '{architecture}' is not {self.id}'s ('{self.architecture}'); "
                                 f"is this the right --family?")
            args = hub.get("model_args", {})
        c = resolve_config(self.architecture, args)
        if c["img_size"] != self.preprocessing["inputSize"]:
            raise ValueError(f"{config_path or weights}: img_size {c['img_size']} is not {self.id}'s input size {self.preprocessing['inputSize']}")
        vit = VisionTransformer(c)
        strict_load(vit, load_state_dict(weights), weights)
        return vit.eval(), c

    def dense_for(self, c):
        return [d for d in self.dense_depths(c["depth"]) if 1 <= d <= c["depth"]]

    def export(self, checkpoint, out_root, package_id=None, version="1.0.0", source=None):
        """Imports checkpoint strictly and writes the package <out_root>/<id>/<version>/; returns its folder."""
        vit, c = self.load(checkpoint)
        package_id = package_id or self.id
        final = os.path.join(out_root, package_id, version)
        if os.path.exists(final):
            raise ValueError(f"{final}: already exists; remove it or choose another id or version")
        parent = os.path.dirname(final)
        os.makedirs(parent, exist_ok=True)
        work = os.path.join(parent, f".importing-{version}-{os.getpid()}")
        os.makedirs(work)
        try:
            depths = self.dense_for(c)
            outputs = ["tokens"] + [f"tokens_depth_{d}" for d in depths]
            size = c["img_size"]
            axes = {name: {0: "batch"} for name in ["pixel_values"] + outputs}
            files = pkg.export_onnx(TokenGraph(vit, depths), torch.zeros(1, 3, size, size), os.path.join(work, "image_encoder.onnx"),
                                    ["pixel_values"], outputs, axes)
            grid = size // c["patch_size"]
            width = c["embed_dim"]
            _declare_token_shapes(os.path.join(work, files[0]), outputs, 1 + c["reg_tokens"] + grid * grid, width)
            embedding = 2 * width if self.compose == "class-plus-mean-patch" else width
            manifest = {
                "schemaVersion": 2, "id": package_id, "name": self.name, "version": version, "family": self.id,
                "kind": "vision-only", "license": self.license, "terms": self.terms,
                "source": source or self.source,
                "imageEncoder": {
                    "file": files[0], "input": "pixel_values", "precision": "float32",
                    "embedding": {"compose": self.compose},
                    "tokens": {"output": "tokens", "classToken": True, "registerTokens": c["reg_tokens"],
                               "gridSize": grid, "width": width},
                    "dense": [{"output": f"tokens_depth_{d}", "depth": d} for d in depths],
                },
                "preprocessing": dict(self.preprocessing),
                "embeddingSize": embedding,
                # Tiles are read at the family's resize target when it has one (Prov-GigaPath's 256 px tiles at
                # 0.5 µm/px, centre-cropped to 224 by its transform), so that a tile is never scaled up to be cropped.
                "tiling": {"targetMicronsPerPixel": self.tile_microns, "tileSize": self.preprocessing.get("resizeTo", size)},
            }
            pkg.write_manifest(work, manifest)
            os.rename(work, final)
        except BaseException:
            import shutil
            shutil.rmtree(work, ignore_errors=True)
            raise
        return final

    def write_reference(self, checkpoint, images, out_path):
        """PyTorch's preprocessed tensors and composed embeddings for images, beside out_path (for parity tests)."""
        vit, c = self.load(checkpoint)
        with torch.no_grad():
            pixels = torch.stack([preprocess(Image.open(p), self.preprocessing) for p in images])
            tokens, _ = vit.forward_tokens(pixels)
            emb = compose(tokens, self.compose, 1 + c["reg_tokens"])
        pixel_file = os.path.basename(out_path) + ".pixels.f32"
        pixels.numpy().astype("<f4").tofile(os.path.join(os.path.dirname(out_path), pixel_file))
        reference = {"family": self.id, "pixelValues": pixel_file,
                     "images": [{"path": p, "embedding": e.tolist()} for p, e in zip(images, emb)],
                     "note": "PyTorch (tools/families/vit.py) with Pillow preprocessing"}
        with open(out_path, "w") as f:
            json.dump(reference, f)
        return out_path

"""The vision-language families: plip, quiltnet, quiltnet-pmb, conch, kep.

For each: the published checkpoint layout (files, configuration keys, state-dict keys), a full-size configuration and
a small structural twin (same operators and token layout, small width and depth) for tests, a synthetic checkpoint
writer (seeded random weights in exactly that layout), a strict import (every key used, every shape matched, else the
first differing keys are named) and the export to a model package (docs/model-package-format-2.md).

Sources read for the layouts: Hugging Face transformers' CLIPModel (PLIP, vinid/plip), open_clip's CLIP and
CustomTextCLIP with HFTextEncoder (QuiltNet-B-32, QuiltNet-B-16-PMB, wisdomik/*), CONCH's open_clip_custom
(mahmoodlab/CONCH: coca_model.py, vision_tower.py, transformer.py, custom_tokenizer.py, conch_ViT-B-16.json), KEP's
path_open_clip (MAGIC-AI4Med/KEP: model/model.py, model/knowledge_bert.py, factory.py; KEP-16 = BiomedCLIP's timm
ViT-B/16 image tower + visual_head, PATH_BERT text tower on PubMedBERT).

Usage: python3 -m tools.families.vision_language synthetic|import ... (see main()).
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import torch
from torch import nn

from . import package, safetensors_io
from .text_towers import OPTIONAL_BUFFER_SUFFIXES
from .vl_configs import _conch_config, _kep_config, _plip_config, _quiltnet_config, _quiltnet_pmb_config
from .vl_models import ConchModel, KepModel, PlipModel, QuiltNetModel, QuiltNetPmbModel

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLIP_TOKENIZER = os.path.join(REPO, "plugins", "tokenizers", "clip")


class CheckpointMismatch(ValueError):
    """A checkpoint whose keys or shapes are not the family's layout."""


# ---------------------------------------------------------------- families

class Family:
    """A vision-language family, with the interface tools/import-checkpoint.py calls (kind, export, write_synthetic,
    write_reference) over this module's functions."""
    kind = "vision-language"

    def __init__(self, family_id, name, model, config, checkpoint_files, tokenizer, preprocessing, text_inputs, license, terms, source, unused_prefixes=()):
        self.id, self.name, self.model, self.config = family_id, name, model, config
        self.checkpoint_files = checkpoint_files  # (weights file names tried in order)
        self.tokenizer, self.preprocessing, self.text_inputs = tokenizer, preprocessing, text_inputs
        self.license, self.terms, self.source = license, terms, source
        self.unused_prefixes = unused_prefixes

    def export(self, checkpoint, out_root, package_id=None, version="1.0.0"):
        return import_checkpoint(self.id, checkpoint, out_root, package_id=package_id, version=version, schema_version=2)

    def write_synthetic(self, folder, twin=False, seed=0):
        # A vision-language checkpoint needs its tokenizer's vocabulary, which real weights ship and we may not:
        # the tests write twins with vocabularies in each family's file format (tests/.../Text/Families/family_twin.py).
        raise ValueError(f"{self.id}: synthetic checkpoints of vision-language families need a vocabulary; the tests write them (family_twin.py)")

    def write_reference(self, checkpoint, images, out):
        raise ValueError(f"{self.id}: references of vision-language families are written by the tests' family_twin.py (they need token ids)")


def _clip_preprocessing(size):
    return {"inputSize": size, "resize": "shortest-side", "interpolation": "bicubic", "centerCrop": True,
            "mean": OPENAI_MEAN, "std": OPENAI_STD, "channelOrder": "RGB"}


FAMILIES = {
    "plip": Family("plip", "PLIP (CLIP ViT-B/32, Hugging Face CLIPModel)", PlipModel, _plip_config,
                   ("model.safetensors", "pytorch_model.bin"),
                   {"kind": "clip-bpe", "files": {"vocab.json": "vocab.json", "merges.txt": "merges.txt"}, "contextLength": 77, "padTokenId": 49407},
                   _clip_preprocessing, ["input_ids"], "PLIP's model card: research use",
                   {"gated": False, "commercialUse": False, "text": "Research use; see vinid/plip's model card."}, "vinid/plip (Hugging Face)"),
    "quiltnet": Family("quiltnet", "QuiltNet-B-32 (open_clip ViT-B-32)", QuiltNetModel, _quiltnet_config,
                       ("open_clip_pytorch_model.bin", "open_clip_model.safetensors"),
                       {"kind": "clip-bpe", "files": {"vocab.json": os.path.join(CLIP_TOKENIZER, "vocab.json"), "merges.txt": os.path.join(CLIP_TOKENIZER, "merges.txt")}, "contextLength": 77, "padTokenId": 0},
                       _clip_preprocessing, ["input_ids"], "MIT (QuiltNet weights); Quilt-1M data terms apply",
                       {"gated": False, "commercialUse": False, "text": "Research use; see wisdomik/QuiltNet-B-32's model card."}, "wisdomik/QuiltNet-B-32 (Hugging Face)"),
    "quiltnet-pmb": Family("quiltnet-pmb", "QuiltNet-B-16-PMB (open_clip ViT-B-16 + PubMedBERT)", QuiltNetPmbModel, _quiltnet_pmb_config,
                           ("open_clip_pytorch_model.bin", "open_clip_model.safetensors"),
                           {"kind": "wordpiece", "files": {"vocab.txt": "vocab.txt"}, "lowercase": True, "contextLength": 256, "padTokenId": 0},
                           _clip_preprocessing, ["input_ids", "attention_mask"], "MIT (QuiltNet weights); Quilt-1M data terms apply",
                           {"gated": False, "commercialUse": False, "text": "Research use; see wisdomik/QuiltNet-B-16-PMB's model card."}, "wisdomik/QuiltNet-B-16-PMB (Hugging Face)"),
    "conch": Family("conch", "CONCH (CoCa ViT-B/16 at 448)", ConchModel, _conch_config,
                    ("pytorch_model.bin",),
                    {"kind": "bpe-json", "files": {"tokenizer.json": "conch_byte_level_bpe_uncased.json"}, "contextLength": 128, "maxTokens": 127, "padTokenId": 0},
                    _clip_preprocessing, ["input_ids"], "CC-BY-NC-ND-4.0",
                    {"gated": True, "commercialUse": False, "text": "Non-commercial academic research only, gated on Hugging Face (MahmoodLab/CONCH); no redistribution of derivatives."},
                    "MahmoodLab/CONCH (Hugging Face, gated)", unused_prefixes=("text_decoder.",)),
    "kep": Family("kep", "KEP-16 (BiomedCLIP ViT-B/16 + PubMedBERT knowledge-enhanced text tower)", KepModel, _kep_config,
                  ("kep.pt", "checkpoint.pt", "pytorch_model.bin"),
                  {"kind": "wordpiece", "files": {"vocab.txt": "vocab.txt"}, "lowercase": True, "contextLength": 256, "padTokenId": 0},
                  _clip_preprocessing, ["input_ids", "attention_mask"], "MIT (KEP code); weights: see the authors' release",
                  {"gated": False, "commercialUse": False, "text": "Research use; weights from the KEP authors' release (MAGIC-AI4Med/KEP)."},
                  "MAGIC-AI4Med/KEP (KEP-16 checkpoints)"),
}

# The structural twins: the same layout at small width and depth. Each writes its family's published config files.
TWINS = {
    "plip": {"config.json": {"projection_dim": 16,
                             "text_config": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64, "vocab_size": 49408, "max_position_embeddings": 77, "hidden_act": "quick_gelu"},
                             "vision_config": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64, "image_size": 32, "patch_size": 16, "hidden_act": "quick_gelu"}}},
    "quiltnet": {"open_clip_config.json": {"model_cfg": {"embed_dim": 16, "quick_gelu": True,
                                                         "vision_cfg": {"image_size": 32, "layers": 2, "width": 32, "head_width": 16, "patch_size": 16},
                                                         "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 2}},
                                           "preprocess_cfg": {"mean": OPENAI_MEAN, "std": OPENAI_STD}}},
    "quiltnet-pmb": {"open_clip_config.json": {"model_cfg": {"embed_dim": 16,
                                                             "vision_cfg": {"image_size": 32, "layers": 2, "width": 32, "head_width": 16, "patch_size": 16},
                                                             "text_cfg": {"hf_model_name": "microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract", "hf_tokenizer_name": "microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract",
                                                                          "proj": "mlp", "pooler_type": "cls_last_hidden_state_pooler", "context_length": 256}}},
                     "config.json": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64, "vocab_size": None, "max_position_embeddings": 512}},
    "conch": {"conch_ViT-B-16.json": {"embed_dim": 16, "embed_dim_caption": 24,
                                      "vision_cfg": {"image_size": 64, "patch_size": 16, "width": 32, "layers": 2, "num_heads": 2, "attn_pooler_heads": 2, "n_queries_caption": 4},
                                      "text_cfg": {"context_length": 128, "vocab_size": None, "width": 32, "heads": 2, "layers": 2}}},
    "kep": {"kep_config.json": {"vision_width": 32, "vision_layers": 2, "vision_heads": 2, "vision_embed_dim": 24, "embed_dim": 16, "image_size": 32},
            "config.json": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64, "vocab_size": None, "max_position_embeddings": 512}},
}


def _vocab_size(tokenizer_file):
    if tokenizer_file.endswith(".txt"):
        with open(tokenizer_file, encoding="utf-8") as f:
            return sum(1 for _ in f)
    with open(tokenizer_file, encoding="utf-8") as f:
        return len(json.load(f)["model"]["vocab"])


# ---------------------------------------------------------------- synthetic checkpoints

def write_synthetic(family_id, folder, tokenizer_files, seed=0):
    """A checkpoint folder in the family's published layout with the twin's dimensions and seeded random weights.
    tokenizer_files: the family's tokenizer file names -> source paths (vocab.txt, the CONCH tokenizer json, ...)."""
    family = FAMILIES[family_id]
    os.makedirs(folder, exist_ok=True)
    for name, source in tokenizer_files.items():
        shutil.copyfile(source, os.path.join(folder, name))
    for name, content in TWINS[family_id].items():
        content = json.loads(json.dumps(content))
        vocab_file = next((os.path.join(folder, n) for n in tokenizer_files if n.endswith((".txt", ".json")) and n not in ("merges.txt",)), None)
        if name == "config.json" and content.get("vocab_size", 1) is None:
            content["vocab_size"] = _vocab_size(vocab_file)
        if name == "conch_ViT-B-16.json":
            content["text_cfg"]["vocab_size"] = _vocab_size(vocab_file)
        with open(os.path.join(folder, name), "w") as f:
            json.dump(content, f, indent=2)
    model = family.model(family.config(folder))
    torch.manual_seed(seed)
    state = {}
    for key, value in model.state_dict().items():
        if key.endswith("logit_scale"):
            state[key] = torch.tensor(4.6052)  # log(100), as trained CLIP models end up
        elif "LayerNorm" in key or "ln_" in key or "norm" in key.split(".")[-2] if "." in key else False:
            state[key] = (torch.ones_like(value) if key.endswith("weight") else torch.zeros_like(value)) + 0.05 * torch.randn_like(value)
        else:
            state[key] = torch.randn_like(value) * (0.02 if value.dim() < 2 else value.shape[-1] ** -0.5)
    if family_id == "conch":
        state["text_decoder.ln_final.weight"] = torch.ones(4)  # the captioning decoder's keys travel in CONCH's file
    if family_id == "plip":
        state["text_model.embeddings.position_ids"] = torch.arange(77).unsqueeze(0)
    weights = os.path.join(folder, family.checkpoint_files[-1] if family_id != "kep" else "kep.pt")
    if family_id == "kep":
        torch.save({"epoch": 30, "state_dict": {"module." + k: v for k, v in state.items()}}, weights)
    elif weights.endswith(".safetensors"):
        safetensors_io.save(state, weights)
    else:
        torch.save(state, weights)
    return folder


# ---------------------------------------------------------------- import

def _load_state(folder, family):
    for name in family.checkpoint_files:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            state = safetensors_io.load(path) if name.endswith(".safetensors") else torch.load(path, map_location="cpu")
            if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
                state = state["state_dict"]
            if all(k.startswith("module.") for k in state):  # saved from DistributedDataParallel
                state = {k[len("module."):]: v for k, v in state.items()}
            return path, state
    raise FileNotFoundError(f"{folder}: none of {', '.join(family.checkpoint_files)} (the {family.id} checkpoint)")


def load_strict(family_id, folder):
    """The family's model with the checkpoint's weights; CheckpointMismatch names the first keys that differ."""
    family = FAMILIES[family_id]
    config = family.config(folder)
    model = family.model(config)
    path, state = _load_state(folder, family)
    state = {k: v for k, v in state.items()
             if not k.startswith(family.unused_prefixes or ("\0",)) and not k.endswith(OPTIONAL_BUFFER_SUFFIXES)}
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [f"{k} {tuple(state[k].shape)} (expected {tuple(v.shape)})" for k, v in expected.items() if k in state and tuple(state[k].shape) != tuple(v.shape)]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} keys, first: {', '.join(missing[:3])}")
        if unexpected:
            parts.append(f"{len(unexpected)} keys not in the {family_id} layout, first: {', '.join(unexpected[:3])}")
        if wrong:
            parts.append(f"{len(wrong)} shapes differ, first: {', '.join(wrong[:3])}")
        raise CheckpointMismatch(f"{path}: not a {family_id} checkpoint: " + "; ".join(parts))
    model.load_state_dict({k: state[k].float() for k in expected}, strict=True)
    return model.eval(), config


class _ImageGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.encode_image(pixel_values)


class _TextGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *inputs):
        return self.model.encode_text(*inputs)


def import_checkpoint(family_id, folder, out_root, package_id=None, version="1.0.0", schema_version=1):
    """Checkpoint folder -> model package <out_root>/<id>/<version>/ (written atomically); returns its folder."""
    family = FAMILIES[family_id]
    model, c = load_strict(family_id, folder)
    package_id = package_id or family_id
    final = os.path.join(out_root, package_id, version)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".importing-", dir=os.path.dirname(final))
    os.chmod(work, 0o755)
    size, context = c["image_size"], family.tokenizer["contextLength"]
    package.export_onnx(_ImageGraph(model), (torch.zeros(1, 3, size, size),), os.path.join(work, "image_encoder.onnx"),
                        ["pixel_values"], ["image_embeds"], {"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}})
    ids = torch.ones(2, context, dtype=torch.long)
    text_inputs = (ids, torch.ones(2, context, dtype=torch.long)) if len(family.text_inputs) == 2 else (ids,)
    package.export_onnx(_TextGraph(model), text_inputs, os.path.join(work, "text_encoder.onnx"), family.text_inputs, ["text_embeds"],
                        {**{n: {0: "batch"} for n in family.text_inputs}, "text_embeds": {0: "batch"}})
    os.makedirs(os.path.join(work, "tokenizer"))
    tokenizer = {k: v for k, v in family.tokenizer.items() if k != "files"}
    for target, source in family.tokenizer["files"].items():
        source = source if os.path.isabs(source) else os.path.join(folder, source)
        if not os.path.exists(source):
            raise FileNotFoundError(f"{folder}: no {os.path.basename(source)} (the {family_id} tokenizer)")
        shutil.copyfile(source, os.path.join(work, "tokenizer", target))
        key = {"vocab.json": "vocab", "merges.txt": "merges", "vocab.txt": "vocab", "tokenizer.json": "file"}[target]
        tokenizer[key] = f"tokenizer/{target}"
    text_encoder = {"file": "text_encoder.onnx", "input": "input_ids", "output": "text_embeds"}
    if len(family.text_inputs) == 2:
        text_encoder["attentionMask"] = "attention_mask"
    manifest = {"schemaVersion": schema_version, "id": package_id, "name": family.name, "version": version, "family": family_id}
    if schema_version >= 2:
        manifest.update(kind="vision-language", terms=family.terms)
    manifest.update({
        "license": family.license,
        "source": f"{family.source}; imported by tools/families/vision_language.py from {os.path.basename(_load_state(folder, family)[0])}",
        "imageEncoder": {"file": "image_encoder.onnx", "input": "pixel_values", "output": "image_embeds"} if schema_version < 2
        else {"file": "image_encoder.onnx", "input": "pixel_values", "embedding": {"output": "image_embeds"}},
        "textEncoder": text_encoder,
        "tokenizer": tokenizer,
        "preprocessing": family.preprocessing(size),
        "embeddingSize": c["embed_dim"],
        "logitScale": float(model.logit_scale.exp()),
        "tiling": {"targetMicronsPerPixel": 0.5, "tileSize": 224},
    })
    package.write_manifest(work, manifest)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.replace(work, final)
    return final


def reference(family_id, folder, token_ids, out_path, images=()):
    """PyTorch text embeddings for the given token id rows (and image embeddings for the given images, Pillow
    preprocessing as CLIP's) from the checkpoint, as JSON: what the runtime's embeddings must reproduce."""
    model, c = load_strict(family_id, folder)
    family = FAMILIES[family_id]
    ids = torch.tensor(token_ids, dtype=torch.long)
    pad = family.tokenizer["padTokenId"]
    with torch.no_grad():
        if len(family.text_inputs) == 2:
            # The attention mask as open_clip's HFTextEncoder and KEP's tokenizer output make it: 1 over the tokens.
            mask = (ids != pad).long()
            text = model.encode_text(ids, mask)
        else:
            text = model.encode_text(ids)
        result = {"text": text.tolist()}
        if images:
            sys.path.insert(0, os.path.join(REPO, "tools"))
            import importlib.util
            spec = importlib.util.spec_from_file_location("mrm", os.path.join(REPO, "tools", "make-reference-models.py"))
            mrm = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mrm)
            from PIL import Image
            pixels = torch.stack([mrm.preprocess(Image.open(p), c["image_size"]) for p in images])
            result["images"] = model.encode_image(pixels).tolist()
    with open(out_path, "w") as f:
        json.dump(result, f)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("synthetic", help="write a synthetic twin checkpoint folder in the family's layout")
    s.add_argument("family", choices=sorted(FAMILIES))
    s.add_argument("folder")
    s.add_argument("--tokenizer-file", action="append", default=[], metavar="NAME=PATH")
    s.add_argument("--seed", type=int, default=0)
    i = sub.add_parser("import", help="checkpoint folder -> model package")
    i.add_argument("family", choices=sorted(FAMILIES))
    i.add_argument("folder")
    i.add_argument("-o", "--out", required=True)
    i.add_argument("--id")
    r = sub.add_parser("reference", help="PyTorch embeddings for token id rows (JSON file) and images")
    r.add_argument("family", choices=sorted(FAMILIES))
    r.add_argument("folder")
    r.add_argument("--ids", required=True, help="JSON file: a list of id rows")
    r.add_argument("--out", required=True)
    r.add_argument("--images", nargs="*", default=[])
    a = p.parse_args(argv)
    try:
        if a.command == "synthetic":
            print(write_synthetic(a.family, a.folder, dict(t.split("=", 1) for t in a.tokenizer_file), a.seed))
        elif a.command == "import":
            print(import_checkpoint(a.family, a.folder, a.out, a.id))
        else:
            with open(a.ids) as f:
                reference(a.family, a.folder, json.load(f), a.out, a.images)
    except (CheckpointMismatch, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

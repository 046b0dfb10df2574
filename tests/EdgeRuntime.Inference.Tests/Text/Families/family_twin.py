"""Test driver for the vision-language family twins (tools/families/vision_language.py).

  build <family> <models root>        synthetic twin checkpoint (artifacts/checkpoints/<family>-twin) and its package
                                      <models root>/<family>-twin/1.0.0, rebuilt only when an input changed (the
                                      families' code, the test vocabularies): the key is kept beside the package
  reference <family> <out.json> --prompts ... --images ...
                                      token ids from the independent tokenizers (not the runtime's), PyTorch text and
                                      image embeddings from the checkpoint, and the preprocessed pixels
"""
import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, REPO)
sys.path.insert(0, HERE)

from tools.families import vision_language as vl  # noqa: E402
from independent_tokenizers import ByteLevelBpeJson, WordPiece  # noqa: E402

CHECKPOINTS = os.path.join(REPO, "artifacts", "checkpoints")
TOKENIZER_FILES = {
    "plip": {"vocab.json": os.path.join(vl.CLIP_TOKENIZER, "vocab.json"), "merges.txt": os.path.join(vl.CLIP_TOKENIZER, "merges.txt")},
    "quiltnet": {},
    "quiltnet-pmb": {"vocab.txt": os.path.join(HERE, "wordpiece", "vocab.txt")},
    "kep": {"vocab.txt": os.path.join(HERE, "wordpiece", "vocab.txt")},
    "conch": {"conch_byte_level_bpe_uncased.json": os.path.join(HERE, "bpe-json", "tokenizer.json")},
}


def _mrm():
    spec = importlib.util.spec_from_file_location("mrm", os.path.join(REPO, "tools", "make-reference-models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inputs_key(family):
    h = hashlib.sha256(family.encode())
    files = sorted(os.path.join(REPO, "tools", "families", f) for f in os.listdir(os.path.join(REPO, "tools", "families")) if f.endswith(".py"))
    for path in files + [os.path.abspath(__file__)] + sorted(TOKENIZER_FILES[family].values()):
        with open(path, "rb") as f:
            h.update(os.path.basename(path).encode() + f.read())
    return h.hexdigest()


def build(family, models_root):
    key = inputs_key(family)
    stamp = os.path.join(models_root, f"{family}-twin", "inputs-1.0.0.sha256")
    package = os.path.join(models_root, f"{family}-twin", "1.0.0")
    if os.path.exists(stamp) and open(stamp).read() == key and os.path.exists(os.path.join(package, "model.json")):
        return package
    checkpoint = os.path.join(CHECKPOINTS, f"{family}-twin")
    shutil.rmtree(checkpoint, ignore_errors=True)
    vl.write_synthetic(family, checkpoint, TOKENIZER_FILES[family], seed=sum(map(ord, family)))
    package = vl.import_checkpoint(family, checkpoint, models_root, f"{family}-twin")
    with open(stamp, "w") as f:
        f.write(key)
    return package


def token_ids(family, prompts):
    tok = vl.FAMILIES[family].tokenizer
    context, pad = tok["contextLength"], tok["padTokenId"]
    max_tokens = tok.get("maxTokens", context)
    if tok["kind"] == "clip-bpe":
        encoder = _mrm().PyClipTokenizer(TOKENIZER_FILES["plip"]["vocab.json"], TOKENIZER_FILES["plip"]["merges.txt"])
    elif tok["kind"] == "wordpiece":
        encoder = WordPiece(TOKENIZER_FILES[family]["vocab.txt"])
    else:
        encoder = ByteLevelBpeJson(TOKENIZER_FILES[family]["conch_byte_level_bpe_uncased.json"], max_tokens)
    rows = []
    for p in prompts:
        ids = encoder.encode(p)
        if len(ids) > max_tokens:
            ids = ids[:max_tokens - 1] + ids[-1:]
        rows.append(ids + [pad] * (context - len(ids)))
    return rows


def reference(family, out, prompts, images):
    checkpoint = os.path.join(CHECKPOINTS, f"{family}-twin")
    rows = token_ids(family, prompts)
    vl.reference(family, checkpoint, rows, out + ".part", images)
    with open(out + ".part") as f:
        result = json.load(f)
    result["ids"] = rows
    if images:
        import torch
        from PIL import Image
        model, c = vl.load_strict(family, checkpoint)
        mrm = _mrm()
        torch.stack([mrm.preprocess(Image.open(p), c["image_size"]) for p in images]).numpy().astype("<f4").tofile(out + ".pixels.f32")
    with open(out, "w") as f:
        json.dump(result, f)
    os.remove(out + ".part")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("family")
    b.add_argument("models_root")
    r = sub.add_parser("reference")
    r.add_argument("family")
    r.add_argument("out")
    r.add_argument("--prompts", nargs="*", default=[])
    r.add_argument("--images", nargs="*", default=[])
    a = p.parse_args()
    if a.command == "build":
        print(build(a.family, a.models_root))
    else:
        reference(a.family, a.out, a.prompts, a.images)


if __name__ == "__main__":
    main()

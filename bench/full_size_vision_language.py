#!/usr/bin/python3
"""A seeded synthetic checkpoint of a vision-language family at its PUBLISHED size, for bench/families.sh.

    bench/full_size_vision_language.py <family> <checkpoint folder>

tools/families writes these families' checkpoints only at twin size (a real checkpoint ships its tokenizer, and the
twins' vocabularies are the tests'). The bench needs the published towers' cost, so this writes the same layout with
the published configurations (CLIP ViT-B/32 for PLIP and QuiltNet, open_clip ViT-B/16 + PubMedBERT-base for
QuiltNet-B-16-PMB, CONCH's conch_ViT-B-16.json, KEP's ViT-B/16 + PubMedBERT-base) through tools/families' own writer,
with the tests' vocabularies in each family's file format. The vocabulary's size changes only the token-embedding
table of the text tower; nothing per tile.
"""
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, REPO)
from tools.families import vision_language as vl  # noqa: E402
from tools.families.vl_configs import CONCH_PUBLISHED, KEP_PUBLISHED  # noqa: E402

VOCABULARIES = os.path.join(REPO, "tests", "EdgeRuntime.Inference.Tests", "Text", "Families")
TOKENIZER_FILES = {
    "plip": {"vocab.json": os.path.join(vl.CLIP_TOKENIZER, "vocab.json"), "merges.txt": os.path.join(vl.CLIP_TOKENIZER, "merges.txt")},
    "quiltnet": {},
    "quiltnet-pmb": {"vocab.txt": os.path.join(VOCABULARIES, "wordpiece", "vocab.txt")},
    "kep": {"vocab.txt": os.path.join(VOCABULARIES, "wordpiece", "vocab.txt")},
    "conch": {"conch_byte_level_bpe_uncased.json": os.path.join(VOCABULARIES, "bpe-json", "tokenizer.json")},
}
PUBMEDBERT = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072, "vocab_size": None,
              "max_position_embeddings": 512}
CLIP_TEXT = {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12}
PUBLISHED = {
    "plip": {"config.json": {"projection_dim": 512,
                             "text_config": {"hidden_size": 512, "num_hidden_layers": 12, "num_attention_heads": 8, "intermediate_size": 2048,
                                             "vocab_size": 49408, "max_position_embeddings": 77, "hidden_act": "quick_gelu"},
                             "vision_config": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
                                               "image_size": 224, "patch_size": 32, "hidden_act": "quick_gelu"}}},
    "quiltnet": {"open_clip_config.json": {"model_cfg": {"embed_dim": 512, "quick_gelu": True,
                                                         "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "head_width": 64, "patch_size": 32},
                                                         "text_cfg": CLIP_TEXT},
                                           "preprocess_cfg": {"mean": vl.OPENAI_MEAN, "std": vl.OPENAI_STD}}},
    "quiltnet-pmb": {"open_clip_config.json": {"model_cfg": {"embed_dim": 512,
                                                             "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "head_width": 64, "patch_size": 16},
                                                             "text_cfg": vl.TWINS["quiltnet-pmb"]["open_clip_config.json"]["model_cfg"]["text_cfg"]}},
                     "config.json": PUBMEDBERT},
    "conch": {"conch_ViT-B-16.json": {**CONCH_PUBLISHED, "vision_cfg": {**CONCH_PUBLISHED["vision_cfg"], "width": 768, "layers": 12, "num_heads": 12},
                                      "text_cfg": {**CONCH_PUBLISHED["text_cfg"], "vocab_size": None}}},
    "kep": {"kep_config.json": {**KEP_PUBLISHED, "image_size": 224}, "config.json": PUBMEDBERT},
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in PUBLISHED:
        sys.exit(f"usage: full_size_vision_language.py <{'|'.join(PUBLISHED)}> <checkpoint folder>")
    family, folder = sys.argv[1], sys.argv[2]
    # The writer takes its configurations from vl.TWINS; the published ones replace them for this process only.
    vl.TWINS[family] = PUBLISHED[family]
    vl.write_synthetic(family, folder, TOKENIZER_FILES[family], seed=0)
    print(folder)


if __name__ == "__main__":
    main()

"""The vision-language families' configurations: ours, read from each family's published configuration files (or,
where a family ships its configuration in code, its published values). vision_language.py builds models from them.
"""
import json
import os


def _plip_config(folder):
    cfg = _read_json(folder, "config.json")
    t, v = cfg["text_config"], cfg["vision_config"]
    return dict(text_width=t["hidden_size"], text_layers=t["num_hidden_layers"], text_heads=t["num_attention_heads"],
                text_intermediate=t["intermediate_size"], vocab_size=t["vocab_size"], context_length=t["max_position_embeddings"],
                vision_width=v["hidden_size"], vision_layers=v["num_hidden_layers"], vision_heads=v["num_attention_heads"],
                vision_intermediate=v["intermediate_size"], image_size=v["image_size"], patch_size=v["patch_size"],
                embed_dim=cfg["projection_dim"], activation=t.get("hidden_act", "quick_gelu"))


def _open_clip_vision(v, embed_dim):
    return dict(vision_width=v["width"], vision_layers=v["layers"], vision_heads=v["width"] // v.get("head_width", 64),
                image_size=v["image_size"], patch_size=v["patch_size"], embed_dim=embed_dim)


def _quiltnet_config(folder):
    m = _read_json(folder, "open_clip_config.json")["model_cfg"]
    t = m["text_cfg"]
    c = _open_clip_vision(m["vision_cfg"], m["embed_dim"])
    c.update(text_width=t["width"], text_layers=t["layers"], text_heads=t["heads"], vocab_size=t["vocab_size"],
             context_length=t["context_length"], activation="quick_gelu" if m.get("quick_gelu") else "gelu")
    return c


def _bert_config(folder, prefix=""):
    b = _read_json(folder, "config.json")
    return dict(bert_width=b["hidden_size"], bert_layers=b["num_hidden_layers"], bert_heads=b["num_attention_heads"],
                bert_intermediate=b["intermediate_size"], bert_vocab_size=b["vocab_size"], bert_max_positions=b["max_position_embeddings"])


def _quiltnet_pmb_config(folder):
    m = _read_json(folder, "open_clip_config.json")["model_cfg"]
    c = _open_clip_vision(m["vision_cfg"], m["embed_dim"])
    c.update(_bert_config(folder), context_length=m["text_cfg"]["context_length"], activation="quick_gelu" if m.get("quick_gelu") else "gelu")
    return c


def _conch_config(folder):
    # CONCH's configuration ships in its code (conch_ViT-B-16.json), not beside the weights; a file of that name in
    # the checkpoint folder overrides it (the twin's does).
    m = _read_json(folder, "conch_ViT-B-16.json") if os.path.exists(os.path.join(folder, "conch_ViT-B-16.json")) else CONCH_PUBLISHED
    v, t = m["vision_cfg"], m["text_cfg"]
    return dict(vision_width=v.get("width", 768), vision_layers=v.get("layers", 12), vision_heads=v.get("num_heads", 12),
                image_size=v["image_size"], patch_size=v["patch_size"], pooler_heads=v["attn_pooler_heads"],
                caption_queries=v["n_queries_caption"], caption_dim=m["embed_dim_caption"], embed_dim=m["embed_dim"],
                text_width=t["width"], text_layers=t["layers"], text_heads=t["heads"], vocab_size=t["vocab_size"],
                context_length=t["context_length"], pad_id=0)


def _kep_config(folder):
    k = _read_json(folder, "kep_config.json") if os.path.exists(os.path.join(folder, "kep_config.json")) else KEP_PUBLISHED
    c = dict(vision_width=k["vision_width"], vision_layers=k["vision_layers"], vision_heads=k["vision_heads"],
             image_size=224 if "image_size" not in k else k["image_size"], patch_size=16, vision_embed_dim=k["vision_embed_dim"],
             embed_dim=k["embed_dim"], context_length=256)
    c.update(_bert_config(folder))
    return c


CONCH_PUBLISHED = {  # conch/open_clip_custom/model_configs/conch_ViT-B-16.json (the keys our import reads)
    "embed_dim": 512, "embed_dim_caption": 768,
    "vision_cfg": {"image_size": 448, "patch_size": 16, "attn_pooler_heads": 8, "n_queries_caption": 256},
    "text_cfg": {"context_length": 128, "vocab_size": 32007, "width": 768, "heads": 12, "layers": 12},
}
KEP_PUBLISHED = {"vision_width": 768, "vision_layers": 12, "vision_heads": 12, "vision_embed_dim": 512, "embed_dim": 512}


def _read_json(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{folder}: no {name}; the family's checkpoint folder holds it")
    with open(path) as f:
        return json.load(f)

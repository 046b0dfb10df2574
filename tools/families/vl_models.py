"""The vision-language families' models with the published top-level layouts (the state-dict keys of
transformers' CLIPModel, open_clip's CLIP and CustomTextCLIP, CONCH's CoCa and KEP's CLIP), built from the towers in
text_towers.py and vl_image_towers.py. vision_language.py imports, exports and checks them.
"""
import torch
from torch import nn

from .text_towers import ClipTextTop, CocaTextTransformer, HfBert, HfClipText
from .vl_image_towers import ConchVisual, HfClipVision, OpenClipVit, TimmLinearVisual


class PlipModel(nn.Module):
    """transformers' CLIPModel."""

    def __init__(self, c):
        super().__init__()
        self.text_model = HfClipText(c)
        self.vision_model = HfClipVision(c)
        self.visual_projection = nn.Linear(c["vision_width"], c["embed_dim"], bias=False)
        self.text_projection = nn.Linear(c["text_width"], c["embed_dim"], bias=False)
        self.logit_scale = nn.Parameter(torch.empty(()))

    def encode_image(self, pixel_values):
        return self.visual_projection(self.vision_model(pixel_values))

    def encode_text(self, input_ids):
        return self.text_projection(self.text_model(input_ids))


class QuiltNetModel(ClipTextTop):
    """open_clip's CLIP: the text tower at the top level, the image tower under visual."""

    def __init__(self, c):
        super().__init__(c)
        self.visual = OpenClipVit(c)
        self.logit_scale = nn.Parameter(torch.empty(()))

    def encode_image(self, pixel_values):
        return self.visual(pixel_values)

    def encode_text(self, input_ids):
        return ClipTextTop.forward(self, input_ids)


class HfTextEncoder(nn.Module):
    """open_clip's HFTextEncoder for a BERT: cls_last_hidden_state_pooler, mlp projection without biases."""

    def __init__(self, c):
        super().__init__()
        self.transformer = HfBert(c)
        hidden = (c["bert_width"] + c["embed_dim"]) // 2
        self.proj = nn.Sequential(nn.Linear(c["bert_width"], hidden, bias=False), nn.GELU(), nn.Linear(hidden, c["embed_dim"], bias=False))

    def forward(self, input_ids, attention_mask):
        return self.proj(self.transformer(input_ids, attention_mask)[0][:, 0])


class QuiltNetPmbModel(nn.Module):
    """open_clip's CustomTextCLIP: visual (open_clip ViT-B-16) and text (HFTextEncoder on PubMedBERT)."""

    def __init__(self, c):
        super().__init__()
        self.visual = OpenClipVit(c)
        self.text = HfTextEncoder(c)
        self.logit_scale = nn.Parameter(torch.empty(()))

    def encode_image(self, pixel_values):
        return self.visual(pixel_values)

    def encode_text(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask)


class ConchModel(nn.Module):
    """CONCH's CoCa (the text decoder's keys are accepted and not used: it generates captions)."""

    def __init__(self, c):
        super().__init__()
        self.text = CocaTextTransformer(c)
        self.visual = ConchVisual(c)
        self.logit_scale = nn.Parameter(torch.empty(()))

    def encode_image(self, pixel_values):
        return self.visual(pixel_values)

    def encode_text(self, input_ids):
        return self.text(input_ids)


class PathBert(nn.Module):
    """KEP's PATH_BERT: BertModel's pooler output through mlp_embed (Linear, GELU, Linear)."""

    def __init__(self, c):
        super().__init__()
        self.bert_model = HfBert(c)
        self.mlp_embed = nn.Sequential(nn.Linear(c["bert_width"], c["embed_dim"]), nn.GELU(), nn.Linear(c["embed_dim"], c["embed_dim"]))

    def forward(self, input_ids, attention_mask):
        return self.mlp_embed(self.bert_model(input_ids, attention_mask)[1])


class KepModel(nn.Module):
    """KEP-16's CLIP: BiomedCLIP's image tower, visual_head, PATH_BERT text tower; `knowledge` (the distillation
    teacher, a second PATH_BERT) is part of the layout and unused for embeddings."""

    def __init__(self, c):
        super().__init__()
        self.visual = TimmLinearVisual(c)
        self.visual_head = nn.Sequential(nn.Linear(c["vision_embed_dim"], c["embed_dim"]), nn.GELU(), nn.Linear(c["embed_dim"], c["embed_dim"]))
        self.text = PathBert(c)
        self.knowledge = PathBert(c)
        self.logit_scale = nn.Parameter(torch.empty(()))

    def encode_image(self, pixel_values):
        return self.visual_head(self.visual(pixel_values))

    def encode_text(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask)

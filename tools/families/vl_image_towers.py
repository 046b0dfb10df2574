"""Image towers of the vision-language families, as PyTorch modules whose parameter names are the published layouts'.

  OpenClipVit        open_clip / OpenAI CLIP VisionTransformer (`visual.`: QuiltNet B-32, QuiltNet-B-16-PMB)
  HfClipVision       transformers' CLIPVisionTransformer (`vision_model.`, PLIP)
  TimmVit            timm VisionTransformer trunk (CONCH's and BiomedCLIP's `visual.trunk.`), LayerNorm eps 1e-6
  ConchVisual        CONCH's VisualModel: timm trunk + attentional poolers (contrast and caption) + proj_contrast
  TimmLinearVisual   open_clip TimmModel with a linear head (BiomedCLIP, KEP's image tower)

Written from the published model code (open_clip, timm, CONCH's vision_tower.py, transformers' modeling_clip); not copied.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

from .text_towers import HfClipEncoder, OpenClipTransformer


class OpenClipVit(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, p = c["vision_width"], c["patch_size"]
        self.conv1 = nn.Conv2d(3, w, kernel_size=p, stride=p, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(w))
        self.positional_embedding = nn.Parameter(torch.empty((c["image_size"] // p) ** 2 + 1, w))
        self.ln_pre = nn.LayerNorm(w)
        self.transformer = OpenClipTransformer(w, c["vision_layers"], c["vision_heads"], c["activation"])
        self.ln_post = nn.LayerNorm(w)
        self.proj = nn.Parameter(torch.empty(w, c["embed_dim"]))

    def forward(self, pixel_values):
        x = self.conv1(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, -1), x], dim=1) + self.positional_embedding
        x = self.transformer(self.ln_pre(x))
        return self.ln_post(x[:, 0]) @ self.proj


class HfClipVision(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, p = c["vision_width"], c["patch_size"]
        self.embeddings = nn.Module()
        self.embeddings.class_embedding = nn.Parameter(torch.empty(w))
        self.embeddings.patch_embedding = nn.Conv2d(3, w, kernel_size=p, stride=p, bias=False)
        self.embeddings.position_embedding = nn.Embedding((c["image_size"] // p) ** 2 + 1, w)
        self.pre_layrnorm = nn.LayerNorm(w)  # sic: transformers' name
        self.encoder = HfClipEncoder(w, c["vision_layers"], c["vision_heads"], c["vision_intermediate"], c["activation"])
        self.post_layernorm = nn.LayerNorm(w)

    def forward(self, pixel_values):
        e = self.embeddings
        x = e.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([e.class_embedding.reshape(1, 1, -1).expand(x.shape[0], 1, -1), x], dim=1) + e.position_embedding.weight
        x = self.encoder(self.pre_layrnorm(x))
        return self.post_layernorm(x[:, 0])


class TimmAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        n, t, w = x.shape
        q, k, v = self.qkv(x).reshape(n, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(w // self.heads)
        return self.proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, w))


class TimmBlock(nn.Module):
    def __init__(self, width, heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.attn = TimmAttention(width, heads)
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(width, int(width * mlp_ratio))
        self.mlp.fc2 = nn.Linear(int(width * mlp_ratio), width)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp.fc2(F.gelu(self.mlp.fc1(self.norm2(x))))


class TimmVit(nn.Module):
    """timm's VisionTransformer (class token, learnt absolute positions, pre-norm blocks); forward_features: all tokens, normed."""

    def __init__(self, c):
        super().__init__()
        w, p = c["vision_width"], c["patch_size"]
        self.cls_token = nn.Parameter(torch.empty(1, 1, w))
        self.pos_embed = nn.Parameter(torch.empty(1, (c["image_size"] // p) ** 2 + 1, w))
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(3, w, kernel_size=p, stride=p)
        self.blocks = nn.ModuleList([TimmBlock(w, c["vision_heads"]) for _ in range(c["vision_layers"])])
        self.norm = nn.LayerNorm(w, eps=1e-6)

    def forward(self, pixel_values):
        x = self.patch_embed.proj(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


class AttentionalPooler(nn.Module):
    """open_clip's AttentionalPooler: learnt queries attend (nn.MultiheadAttention with kdim = vdim = the trunk's width,
    so separate q/k/v projection weights) to the layer-normed tokens."""

    def __init__(self, d_model, context_dim, heads, queries):
        super().__init__()
        self.heads = heads
        self.query = nn.Parameter(torch.empty(queries, d_model))
        self.attn = nn.Module()
        self.attn.q_proj_weight = nn.Parameter(torch.empty(d_model, d_model))
        self.attn.k_proj_weight = nn.Parameter(torch.empty(d_model, context_dim))
        self.attn.v_proj_weight = nn.Parameter(torch.empty(d_model, context_dim))
        self.attn.in_proj_bias = nn.Parameter(torch.empty(3 * d_model))
        self.attn.out_proj = nn.Linear(d_model, d_model)
        self.ln_q = nn.LayerNorm(d_model)
        self.ln_k = nn.LayerNorm(context_dim)

    def forward(self, x):
        n, t, _ = x.shape
        d = self.query.shape[1]
        x = self.ln_k(x)
        q = self.ln_q(self.query)
        bq, bk, bv = self.attn.in_proj_bias.chunk(3)
        split = lambda y, length: y.reshape(n, length, self.heads, d // self.heads).transpose(1, 2)
        qs = split(F.linear(q, self.attn.q_proj_weight, bq).unsqueeze(0).expand(n, -1, -1), q.shape[0])
        ks, vs = split(F.linear(x, self.attn.k_proj_weight, bk), t), split(F.linear(x, self.attn.v_proj_weight, bv), t)
        scores = (qs @ ks.transpose(-2, -1)) / math.sqrt(d // self.heads)
        return self.attn.out_proj((scores.softmax(-1) @ vs).transpose(1, 2).reshape(n, q.shape[0], d))


class ConchVisual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.trunk = TimmVit(c)
        self.attn_pool_contrast = AttentionalPooler(c["embed_dim"], c["vision_width"], c["pooler_heads"], 1)
        self.ln_contrast = nn.LayerNorm(c["embed_dim"])
        self.proj_contrast = nn.Parameter(torch.empty(c["embed_dim"], c["embed_dim"]))
        # The captioning pooler is part of the published layout; the contrastive embedding does not use it.
        self.attn_pool_caption = AttentionalPooler(c["caption_dim"], c["vision_width"], c["pooler_heads"], c["caption_queries"])
        self.ln_caption = nn.LayerNorm(c["caption_dim"])

    def forward(self, pixel_values):
        pooled = self.ln_contrast(self.attn_pool_contrast(self.trunk(pixel_values))[:, 0])
        return pooled @ self.proj_contrast


class TimmLinearVisual(nn.Module):
    """open_clip's TimmModel with timm_pool '' (the trunk's class-token pooling) and a bias-free linear head."""

    def __init__(self, c):
        super().__init__()
        self.trunk = TimmVit(c)
        self.head = nn.Module()
        self.head.proj = nn.Linear(c["vision_width"], c["vision_embed_dim"], bias=False)

    def forward(self, pixel_values):
        return self.head.proj(self.trunk(pixel_values)[:, 0])

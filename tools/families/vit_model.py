"""A Vision Transformer that follows timm's VisionTransformer (timm/models/vision_transformer.py) parameter for
parameter, so that a state dict saved from timm loads into it strictly; and TokenGraph, what a package's image
encoder computes from it. vit.py reads a family's configuration, imports, exports and references with these.

timm's layout (the names are the checkpoint's keys):
  patch_embed.proj (Conv2d, patch × patch, stride patch)   cls_token [1, 1, D]   reg_token [1, R, D] (R > 0)
  pos_embed [1, N (+ 1 + R unless no_embed_class), D]
  blocks.i.norm1, attn.qkv (D → 3D), attn.proj, ls1.gamma (init_values set), norm2, mlp.fc1, mlp.fc2, ls2.gamma
  norm (final LayerNorm, eps 1e-6); head is Identity (num_classes = 0), fc_norm Identity (token/no pooling).
Mlp is fc1 → GELU (exact) → fc2. SwiGLUPacked is timm's GluMlp(gate_last=False, act=SiLU): fc1 D → H (both halves in
one matrix), x1, x2 = chunk(2), SiLU(x1) * x2, fc2 H/2 → D; H = int(D × mlp_ratio).
Prefix tokens: [class][registers][patches]; with no_embed_class the position embedding covers patches only and is
added before the prefix is concatenated, else it covers the prefix too and is added after.
"""
import torch
from torch import nn

LN_EPS = 1e-6


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * (d // self.heads) ** -0.5) @ k.transpose(-2, -1)
        x = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.proj(x)


class LayerScale(nn.Module):
    def __init__(self, dim, init_values):
        super().__init__()
        self.gamma = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class SwiGLUPacked(nn.Module):
    """timm's GluMlp with gate_last=False and SiLU: the gate is the first half of fc1's output."""

    def __init__(self, dim, hidden):
        super().__init__()
        if hidden % 2:
            raise ValueError(f"SwiGLU hidden width {hidden} must be even")
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden // 2, dim)

    def forward(self, x):
        x1, x2 = self.fc1(x).chunk(2, dim=-1)
        return self.fc2(nn.functional.silu(x1) * x2)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["embed_dim"]
        hidden = int(d * c["mlp_ratio"])
        self.norm1 = nn.LayerNorm(d, eps=LN_EPS)
        self.attn = Attention(d, c["num_heads"])
        self.ls1 = LayerScale(d, c["init_values"]) if c["init_values"] else nn.Identity()
        self.norm2 = nn.LayerNorm(d, eps=LN_EPS)
        self.mlp = SwiGLUPacked(d, hidden) if c["mlp_layer"] == "swiglu_packed" else Mlp(d, hidden)
        self.ls2 = LayerScale(d, c["init_values"]) if c["init_values"] else nn.Identity()

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class PatchEmbed(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.proj = nn.Conv2d(3, c["embed_dim"], c["patch_size"], stride=c["patch_size"])

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d = c["embed_dim"]
        grid = c["img_size"] // c["patch_size"]
        self.prefix = 1 + c["reg_tokens"]
        self.patch_embed = PatchEmbed(c)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.reg_token = nn.Parameter(torch.zeros(1, c["reg_tokens"], d)) if c["reg_tokens"] else None
        length = grid * grid + (0 if c["no_embed_class"] else self.prefix)
        self.pos_embed = nn.Parameter(torch.zeros(1, length, d))
        self.blocks = nn.Sequential(*[Block(c) for _ in range(c["depth"])])
        self.norm = nn.LayerNorm(d, eps=LN_EPS)

    def _pos_embed(self, x):
        prefix = [self.cls_token.expand(x.shape[0], -1, -1)]
        if self.reg_token is not None:
            prefix.append(self.reg_token.expand(x.shape[0], -1, -1))
        if self.c["no_embed_class"]:
            return torch.cat(prefix + [x + self.pos_embed], dim=1)
        return torch.cat(prefix + [x], dim=1) + self.pos_embed

    def forward_tokens(self, x, depths=()):
        """The final normed tokens and the (un-normed) tokens after each block depth in depths (1-based)."""
        x = self._pos_embed(self.patch_embed(x))
        taken = []
        for i, block in enumerate(self.blocks, start=1):
            x = block(x)
            if i in depths:
                taken.append(x)
        return self.norm(x), taken


class TokenGraph(nn.Module):
    """What the package's image_encoder.onnx computes: tokens, then the dense depths' tokens."""

    def __init__(self, vit, depths):
        super().__init__()
        self.vit = vit
        self.depths = tuple(depths)

    def forward(self, pixel_values):
        tokens, taken = self.vit.forward_tokens(pixel_values, self.depths)
        return (tokens, *taken)

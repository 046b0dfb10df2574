"""Text towers of the vision-language families, as PyTorch modules whose parameter names are the published layouts'
(so a checkpoint loads with load_state_dict(strict=True) and a differing key is named):

  OpenClipBlock / OpenClipTransformer   open_clip's and OpenAI CLIP's residual attention blocks (transformer.resblocks.N)
  ClipTextTop                           OpenAI / open_clip CLIP's text tower at the model's top level (QuiltNet)
  CocaTextTransformer                   open_clip CoCa's TextTransformer with embed_cls (CONCH's `text.`)
  HfClipText                            Hugging Face CLIPTextModel (`text_model.`, PLIP)
  HfBert                                Hugging Face BertModel (PubMedBERT towers: QuiltNet-PMB's `text.transformer.`, KEP's `text.bert_model.`)

Written from the published model code (open_clip, CONCH's open_clip_custom, transformers' modeling_clip/modeling_bert);
not copied. Attention is written out (no fused kernels) so that the ONNX graphs use plain operators.
"""
import math
from collections import OrderedDict

import torch
from torch import nn
import torch.nn.functional as F


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


def act(name):
    return {"gelu": nn.GELU(), "quick_gelu": QuickGELU()}[name]


class InProjAttention(nn.Module):
    """nn.MultiheadAttention's parameter layout (in_proj_weight, in_proj_bias, out_proj), batch-first, written out."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * width))
        self.out_proj = nn.Linear(width, width)

    def forward(self, x, mask=None):
        n, t, w = x.shape
        q, k, v = F.linear(x, self.in_proj_weight, self.in_proj_bias).reshape(n, t, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(w // self.heads)
        if mask is not None:
            scores = scores + mask
        return self.out_proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, w))


class OpenClipBlock(nn.Module):
    def __init__(self, width, heads, activation="gelu", mlp_ratio=4.0):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = InProjAttention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(OrderedDict([("c_fc", nn.Linear(width, hidden)), ("gelu", act(activation)), ("c_proj", nn.Linear(hidden, width))]))

    def forward(self, x, mask=None):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp(self.ln_2(x))


class OpenClipTransformer(nn.Module):
    def __init__(self, width, layers, heads, activation="gelu"):
        super().__init__()
        self.resblocks = nn.ModuleList([OpenClipBlock(width, heads, activation) for _ in range(layers)])

    def forward(self, x, mask=None):
        for block in self.resblocks:
            x = block(x, mask)
        return x


def causal_mask(n):
    return torch.full((n, n), float("-inf")).triu(1)


class ClipTextTop(nn.Module):
    """OpenAI CLIP's text tower; its parameters sit at the CLIP model's top level (token_embedding, positional_embedding,
    transformer, ln_final, text_projection). Pools at the end token, the highest id of each row."""

    def __init__(self, c):
        super().__init__()
        w = c["text_width"]
        self.token_embedding = nn.Embedding(c["vocab_size"], w)
        self.positional_embedding = nn.Parameter(torch.empty(c["context_length"], w))
        self.transformer = OpenClipTransformer(w, c["text_layers"], c["text_heads"], c["activation"])
        self.ln_final = nn.LayerNorm(w)
        self.text_projection = nn.Parameter(torch.empty(w, c["embed_dim"]))
        self.register_buffer("attn_mask", causal_mask(c["context_length"]), persistent=False)

    def forward(self, input_ids):
        x = self.token_embedding(input_ids) + self.positional_embedding
        x = self.ln_final(self.transformer(x, self.attn_mask))
        return x[torch.arange(x.shape[0]), input_ids.argmax(dim=-1)] @ self.text_projection


class CocaTextTransformer(nn.Module):
    """CoCa's text tower as CONCH builds it (embed_cls): the last id column is dropped (encode_text's text[:, :-1]), a
    learnt class embedding is appended, the class token attends to every non-pad token, and its final state, normed
    and projected, is the embedding."""

    def __init__(self, c):
        super().__init__()
        w = c["text_width"]
        self.heads = c["text_heads"]
        self.pad_id = c["pad_id"]
        self.text_projection = nn.Parameter(torch.empty(w, c["embed_dim"]))
        self.cls_emb = nn.Parameter(torch.empty(w))
        self.token_embedding = nn.Embedding(c["vocab_size"], w)
        self.positional_embedding = nn.Parameter(torch.empty(c["context_length"], w))
        self.transformer = OpenClipTransformer(w, c["text_layers"], c["text_heads"], "gelu")
        self.ln_final = nn.LayerNorm(w)
        self.register_buffer("attn_mask", causal_mask(c["context_length"]), persistent=False)

    def forward(self, input_ids):
        text = input_ids[:, :-1]
        n, seq = text.shape[0], text.shape[1] + 1
        x = torch.cat([self.token_embedding(text), self.cls_emb.reshape(1, 1, -1).expand(n, 1, -1)], dim=1)
        # The class token's row: -inf towards padding; every other row only the causal mask (open_clip's build_cls_mask).
        keep = torch.cat([text != self.pad_id, torch.ones(n, 1, dtype=torch.bool)], dim=1)
        cls_row = torch.zeros(n, 1, seq).masked_fill(~keep.unsqueeze(1), float("-inf"))
        cls_mask = torch.cat([torch.zeros(n, seq - 1, seq), cls_row], dim=1)
        mask = (self.attn_mask[:seq, :seq].unsqueeze(0) + cls_mask).unsqueeze(1)
        x = x + self.positional_embedding[:seq]
        x = self.transformer(x, mask)
        return self.ln_final(x[:, -1]) @ self.text_projection


class HfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(width, width) for _ in range(4))

    def forward(self, x, mask=None):
        n, t, w = x.shape
        split = lambda y: y.reshape(n, t, self.heads, w // self.heads).transpose(1, 2)
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(w // self.heads)
        if mask is not None:
            scores = scores + mask
        return self.out_proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, w))


class HfClipLayer(nn.Module):
    def __init__(self, width, heads, intermediate, activation):
        super().__init__()
        self.self_attn = HfAttention(width, heads)
        self.layer_norm1 = nn.LayerNorm(width)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(width, intermediate)
        self.mlp.fc2 = nn.Linear(intermediate, width)
        self.act = act(activation)
        self.layer_norm2 = nn.LayerNorm(width)

    def forward(self, x, mask=None):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp.fc2(self.act(self.mlp.fc1(self.layer_norm2(x))))


class HfClipEncoder(nn.Module):
    def __init__(self, width, layers, heads, intermediate, activation):
        super().__init__()
        self.layers = nn.ModuleList([HfClipLayer(width, heads, intermediate, activation) for _ in range(layers)])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class HfClipText(nn.Module):
    """transformers' CLIPTextTransformer (`text_model.`); pools at the end token (the row's highest id: PLIP's configs
    predate eos_token_id pooling)."""

    def __init__(self, c):
        super().__init__()
        w = c["text_width"]
        self.embeddings = nn.Module()
        self.embeddings.token_embedding = nn.Embedding(c["vocab_size"], w)
        self.embeddings.position_embedding = nn.Embedding(c["context_length"], w)
        self.encoder = HfClipEncoder(w, c["text_layers"], c["text_heads"], c["text_intermediate"], c["activation"])
        self.final_layer_norm = nn.LayerNorm(w)
        self.register_buffer("causal", causal_mask(c["context_length"]), persistent=False)

    def forward(self, input_ids):
        x = self.embeddings.token_embedding(input_ids) + self.embeddings.position_embedding.weight[: input_ids.shape[1]]
        x = self.final_layer_norm(self.encoder(x, self.causal[: input_ids.shape[1], : input_ids.shape[1]]))
        return x[torch.arange(x.shape[0]), input_ids.argmax(dim=-1)]


class HfBertLayer(nn.Module):
    def __init__(self, width, heads, intermediate):
        super().__init__()
        self.heads = heads
        self.attention = nn.Module()
        self.attention.self = nn.Module()
        self.attention.self.query, self.attention.self.key, self.attention.self.value = (nn.Linear(width, width) for _ in range(3))
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(width, width)
        self.attention.output.LayerNorm = nn.LayerNorm(width, eps=1e-12)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(width, intermediate)
        self.output = nn.Module()
        self.output.dense = nn.Linear(intermediate, width)
        self.output.LayerNorm = nn.LayerNorm(width, eps=1e-12)

    def forward(self, x, mask):
        n, t, w = x.shape
        s = self.attention.self
        split = lambda y: y.reshape(n, t, self.heads, w // self.heads).transpose(1, 2)
        q, k, v = split(s.query(x)), split(s.key(x)), split(s.value(x))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(w // self.heads) + mask
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(n, t, w)
        x = self.attention.output.LayerNorm(self.attention.output.dense(context) + x)
        return self.output.LayerNorm(self.output.dense(F.gelu(self.intermediate.dense(x))) + x)


class HfBert(nn.Module):
    """transformers' BertModel (embeddings, encoder.layer.N, pooler); post-norm, exact GELU, LayerNorm eps 1e-12.
    forward returns (last hidden state, pooler output = tanh(dense(first token)))."""

    def __init__(self, c):
        super().__init__()
        w = c["bert_width"]
        self.embeddings = nn.Module()
        self.embeddings.word_embeddings = nn.Embedding(c["bert_vocab_size"], w)
        self.embeddings.position_embeddings = nn.Embedding(c["bert_max_positions"], w)
        self.embeddings.token_type_embeddings = nn.Embedding(2, w)
        self.embeddings.LayerNorm = nn.LayerNorm(w, eps=1e-12)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([HfBertLayer(w, c["bert_heads"], c["bert_intermediate"]) for _ in range(c["bert_layers"])])
        self.pooler = nn.Module()
        self.pooler.dense = nn.Linear(w, w)

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        e = self.embeddings
        x = e.word_embeddings(input_ids) + e.position_embeddings.weight[:t] + e.token_type_embeddings.weight[0]
        x = e.LayerNorm(x)
        # transformers' extended mask: (1 - mask) * float32 min, added to every head's scores.
        mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(torch.float32).min
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return x, torch.tanh(self.pooler.dense(x[:, 0]))


# Buffers some published checkpoints carry (transformers' position_ids) that are not parameters of the model.
OPTIONAL_BUFFER_SUFFIXES = ("embeddings.position_ids",)

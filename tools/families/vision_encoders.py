"""The vision-only pathology foundation encoders, each as its publisher loads it with timm (architecture and
model_args from the model card or the hub's config.json, preprocessing from the card's transform, embedding as the
card computes it). Twins keep each family's operators, patch size, input size and token layout at small width and
depth, so tests run in seconds."""
from .vit import VisionFamily

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def _pre(resize="shortest-side", interpolation="bicubic", mean=IMAGENET_MEAN, std=IMAGENET_STD, resize_to=None):
    p = {"inputSize": 224, "resize": resize, "interpolation": interpolation, "centerCrop": True}
    if resize_to:
        p["resizeTo"] = resize_to
    p.update({"mean": mean, "std": std, "channelOrder": "RGB"})
    return p


def _quarters(depth):
    # Dense outputs at half and three-quarter depth: the depths cell-level heads (e.g. UNETR-style decoders) tap.
    return sorted({max(1, depth // 2), max(1, 3 * depth // 4)})


GATED_NC = {"gated": True, "commercialUse": False}

FAMILIES = {
    "uni": VisionFamily(
        "uni", name="UNI (ViT-L/16, MahmoodLab)", architecture="vit_large_patch16_224",
        model_args={"img_size": 224, "patch_size": 16, "init_values": 1e-5, "num_classes": 0, "dynamic_img_size": True},
        twin_args={"embed_dim": 32, "depth": 2, "num_heads": 2},
        checkpoint_file="pytorch_model.bin",
        # UNI's card: transforms.Resize(224) (torchvision's default, bilinear), ToTensor, ImageNet normalisation.
        preprocessing=_pre(interpolation="bilinear"),
        compose="class-token", license="CC-BY-NC-ND-4.0",
        terms=dict(GATED_NC, text="Research use only, non-commercial; access on the Hugging Face hub after agreeing to MahmoodLab's terms; no redistribution of the weights."),
        source="MahmoodLab/UNI (Hugging Face), imported with edgert models import",
        dense_depths=_quarters),
    "uni2": VisionFamily(
        "uni2", name="UNI2-h (ViT-H/14, 8 registers, SwiGLU, MahmoodLab)", architecture="vit_giant_patch14_224",
        model_args={"img_size": 224, "patch_size": 14, "depth": 24, "num_heads": 24, "init_values": 1e-5,
                    "embed_dim": 1536, "mlp_ratio": 2.66667 * 2, "num_classes": 0, "no_embed_class": True,
                    "mlp_layer": "timm.layers.SwiGLUPacked", "act_layer": "torch.nn.SiLU", "reg_tokens": 8,
                    "dynamic_img_size": True},
        twin_args={"embed_dim": 48, "depth": 2, "num_heads": 3},
        checkpoint_file="pytorch_model.bin",
        preprocessing=_pre(),
        compose="class-token", license="CC-BY-NC-ND-4.0",
        terms=dict(GATED_NC, text="Research use only, non-commercial; access on the Hugging Face hub after agreeing to MahmoodLab's terms; no redistribution of the weights."),
        source="MahmoodLab/UNI2-h (Hugging Face), imported with edgert models import",
        dense_depths=_quarters),
    "virchow2": VisionFamily(
        "virchow2", name="Virchow2 (ViT-H/14, 4 registers, SwiGLU, Paige)", architecture="vit_huge_patch14_224",
        model_args={"img_size": 224, "init_values": 1e-5, "num_classes": 0, "mlp_ratio": 5.3375, "reg_tokens": 4,
                    "global_pool": "", "dynamic_img_size": True, "mlp_layer": "SwiGLUPacked", "act_layer": "SiLU"},
        twin_args={"embed_dim": 32, "depth": 2, "num_heads": 2},
        checkpoint_file="model.safetensors",
        preprocessing=_pre(),
        compose="class-plus-mean-patch", license="CC-BY-NC-ND-4.0",
        terms=dict(GATED_NC, text="Non-commercial research use only (CC-BY-NC-ND 4.0); gated on the Hugging Face hub; outputs may not be used to train or distil other models."),
        source="paige-ai/Virchow2 (Hugging Face), imported with edgert models import",
        dense_depths=_quarters, hub_extra={"global_pool": ""}),
    "prov-gigapath": VisionFamily(
        "prov-gigapath", name="Prov-GigaPath tile encoder (ViT-g, DINOv2 layout)", architecture="vit_giant_patch14_dinov2",
        # The hub's config.json overrides the registered ViT-g/14 with patch 16 at 224.
        model_args={"img_size": 224, "in_chans": 3, "patch_size": 16, "embed_dim": 1536, "depth": 40, "num_heads": 24,
                    "init_values": 1e-5, "mlp_ratio": 5.33334, "num_classes": 0},
        twin_args={"embed_dim": 48, "depth": 2, "num_heads": 3},
        checkpoint_file="pytorch_model.bin",
        # The card: Resize(256, bicubic), CenterCrop(224), ImageNet normalisation.
        preprocessing=_pre(resize_to=256),
        compose="class-token", license="Prov-GigaPath licence (research, non-commercial)",
        terms=dict(GATED_NC, text="Research use only, non-commercial, not for clinical decisions; gated on the Hugging Face hub."),
        source="prov-gigapath/prov-gigapath (Hugging Face), imported with edgert models import",
        dense_depths=_quarters),
    "h-optimus": VisionFamily(
        "h-optimus", name="H-optimus-0 (ViT-g/14, 4 registers, Bioptimus)", architecture="vit_giant_patch14_reg4_dinov2",
        model_args={"num_classes": 0, "img_size": 224, "global_pool": "token"},
        twin_args={"embed_dim": 48, "depth": 2, "num_heads": 3},
        checkpoint_file="model.safetensors",
        # The card feeds 224 × 224 tiles straight to ToTensor and its own normalisation.
        preprocessing=_pre(resize="exact", mean=[0.707223, 0.578729, 0.703617], std=[0.211883, 0.230117, 0.177517]),
        compose="class-token", license="Apache-2.0",
        terms={"gated": True, "commercialUse": True, "text": "Apache 2.0; access on the Hugging Face hub after sharing contact details with Bioptimus."},
        source="bioptimus/H-optimus-0 (Hugging Face), imported with edgert models import",
        dense_depths=_quarters),
}

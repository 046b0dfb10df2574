#!/bin/sh
# Opt-in manual check of a family at FULL size (not run in CI: see docs/models.md, "External data at size").
#
#   tools/families/full-size-check.sh <family> <work folder> <image> [edgert command]
#
# Writes a seeded synthetic checkpoint in the family's published layout at its full published size, imports it with
# the same importer `edgert models import` runs (graphs over 2 GB keep their weights in image_encoder.onnx.data),
# checks the package as the service loads it, embeds a 224 x 224 tile cut from the image with edgert and compares the embedding with
# PyTorch's on the same weights (cosine >= 0.9999). For prov-gigapath or h-optimus (ViT-g, 1.1 B parameters) this is
# the > 2 GB external-data path at its real size: about 4.5 GB of weights, each written three times (checkpoint,
# ONNX export, copy), so it needs about 15 GB of disk and, while PyTorch exports, about 20 GB of memory and tens of
# minutes of CPU.
#
# Exit status: 0 parity held; 1 a step failed (its output says which).
set -eu

usage="usage: full-size-check.sh <family> <work folder> <image> [edgert command]"
family=${1:?$usage}
work=${2:?$usage}
image=${3:?$usage}
edgert=${4:-edgert}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${EDGERT_PYTHON:-/usr/bin/python3}
# EDGERT_CHECK_TWIN=1 runs the same steps on the small twin: a check of this script in seconds.
twin=${EDGERT_CHECK_TWIN:+--twin}

mkdir -p "$work"
step() { printf '\n== %s\n' "$*"; }

step "synthetic full-size checkpoint ($family)"
rm -rf "$work/checkpoint"
"$python" "$here/import-checkpoint.py" --family "$family" --write-synthetic "$work/checkpoint" --seed 0 $twin

step "import"
rm -rf "$work/models"
package=$("$python" "$here/import-checkpoint.py" --family "$family" "$work/checkpoint" --out "$work/models" | tail -n 1)
ls -l "$package"

# One tile as the pipeline reads it (224 px, the families' tile size): the runtime and PyTorch then preprocess the
# same pixels (a larger plain image would be scaled to the tile first, then preprocessed, which PyTorch does not do).
tile="$work/tile.png"
"$python" -c "import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').crop((0, 0, 224, 224)).save(sys.argv[2])" "$image" "$tile"

step "edgert models check"
$edgert models check "$package"

step "edgert embed"
$edgert embed "$tile" -m "$package" -o "$work/features.h5"

step "PyTorch reference and parity"
"$python" "$here/import-checkpoint.py" --family "$family" "$work/checkpoint" --reference "$work/reference.json" --images "$tile"
"$python" - "$work/features.h5" "$work/reference.json" <<'EOF'
import json, sys
import h5py
import numpy as np
ours = np.asarray(h5py.File(sys.argv[1], "r")["features"])[0].astype("float64")
theirs = np.asarray(json.load(open(sys.argv[2]))["images"][0]["embedding"], dtype="float64")
cosine = float(ours @ theirs / (np.linalg.norm(ours) * np.linalg.norm(theirs)))
print(f"width {ours.shape[0]}, cosine with PyTorch {cosine:.7f}")
sys.exit(0 if ours.shape == theirs.shape and cosine >= 0.9999 else 1)
EOF

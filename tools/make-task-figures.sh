#!/bin/bash
# Regenerates the pictures and examples in docs/tasks.md: a texture slide of known regions (tools/make-texture-slide.py)
# processed by edgert with the texture test model and every built-in task, with half-tile overlap. Run after
# install/install.sh (it needs artifacts/bin/edgert, the test model and the sample images).
#   tools/make-task-figures.sh [edgert]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
edgert=${1:-$repo/artifacts/bin/edgert}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$repo/tools/make-texture-slide.py" --images "$repo/artifacts/sample" --out "$work/textures.tiff" \
  --width 4480 --height 3360 --region brick:0,0,1792,3360 --region gravel:1792,0,4480,1792 \
  --region grass:2464,448,3584,1344 --region ihc:1792,1792,4480,3360 > /dev/null
cat > "$work/config.json" <<JSON
{ "EdgeRuntime": {
    "ZeroShot": { "TextEmbeddingCache": "$work/cache", "DefaultPromptSet": "$repo/artifacts/prompts/textures/1.0.0/prompts.json" },
    "Models": { "DefaultPackage": "$repo/artifacts/models/texture-test-model/1.0.0" },
    "Tissue": { "Detector": "none" },
    "Tiling": { "Overlap": 112 },
    "Plugins": { "Tasks": "zero-shot-tagging/1.0.0, zero-shot-segmentation/1.0.0, retrieval-index/1.0.0, features/1.0.0", "ActiveFile": "$work/active.json" },
    "Processing": { "ResultsDirectory": "$work/results", "TaskStateDirectory": "$work/state", "OverlaySize": 640 } } }
JSON
"$edgert" process "$work/textures.tiff" --config "$work/config.json" > "$work/result.json"
result=$(ls -d "$work"/results/*/)
mkdir -p "$repo/docs/images"
cp "$result/overlay.png" "$repo/docs/images/segmentation-overlay.png"
/usr/bin/python3 - "$work/result.json" "$result/segmentation.geojson" "$repo/docs/images" <<'PY'
import json, sys
result, geojson, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
json.dump(result["tasks"]["zero-shot-segmentation"]["output"], open(f"{out}/segmentation-output.json", "w"), indent=2)
json.dump(geojson, open(f"{out}/segmentation.geojson", "w"))
PY
echo "docs/images: segmentation-overlay.png, segmentation-output.json, segmentation.geojson"

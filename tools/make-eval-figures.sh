#!/bin/bash
# Regenerates the report shown in docs/evaluation.md: `edgert eval` with the texture test model on its held-out crops
# (tools/train-test-model.py --held-out), zero-shot with the model's prompt set beside a badly worded one, and the
# linear probe. Run after install/install.sh.
#   tools/make-eval-figures.sh [edgert]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
edgert=${1:-$repo/artifacts/bin/edgert}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$repo/tools/train-test-model.py" --images "$repo/artifacts/sample" --out "$repo/artifacts/models" \
  --prompts-out "$repo/artifacts/prompts" --tokenizer "$repo/plugins/tokenizers/clip" --held-out "$work/crops" --held-out-per-class 25 > /dev/null
cat > "$work/config.json" <<JSON
{ "EdgeRuntime": {
    "ZeroShot": { "TextEmbeddingCache": "$work/cache", "DefaultPromptSet": "$repo/artifacts/prompts/textures/1.0.0/prompts.json" },
    "Models": { "DefaultPackage": "$repo/artifacts/models/texture-test-model/1.0.0" },
    "Tissue": { "Detector": "none" }, "Plugins": { "ActiveFile": "$work/active.json" } } }
JSON
# Every class described by the same words: what zero-shot does when a prompt set is bad.
/usr/bin/python3 - "$work/vague.json" <<'PY'
import json, sys
json.dump({"schemaVersion": 1, "id": "textures-vague", "name": "Vague texture prompts (TEST)", "version": "1.0.0",
           "families": ["clip"], "templates": ["a photo of {}."],
           "classes": [{"name": "brick", "synonyms": ["a wall"]}, {"name": "grass", "synonyms": ["a texture"]},
                       {"name": "gravel", "synonyms": ["a surface"]}, {"name": "ihc", "synonyms": ["a pattern"]}]},
          open(sys.argv[1], "w"))
PY
out="$repo/docs/images/eval"
rm -rf "$out"; mkdir -p "$out"
"$edgert" eval zero-shot "$work/crops" --prompts "$repo/artifacts/prompts/textures/1.0.0/prompts.json" --prompts "$work/vague.json" \
  -o "$out/zero-shot" --cache "$work/embeddings" --config "$work/config.json" > /dev/null
"$edgert" eval linear-probe "$work/crops" -o "$out/linear-probe" --cache "$work/embeddings" --config "$work/config.json" > /dev/null
"$edgert" eval few-shot "$work/crops" --shots 1,5,10 --repeats 5 -o "$out/few-shot" --cache "$work/embeddings" --config "$work/config.json" > /dev/null
# The reports name the temporary dataset folder; the docs show where it came from instead.
sed -i "s|$work/crops|held-out crops (25 per class)|g" "$out"/*/report.md "$out"/*/report.json
echo "docs/images/eval: zero-shot, linear-probe, few-shot"

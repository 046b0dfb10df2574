#!/bin/bash
# Regenerates the report shown in docs/evaluation.md: `edgert eval` with the texture test model on its held-out crops
# (tools/train-test-model.py --held-out), zero-shot with the model's prompt set beside a badly worded one, the linear
# probe, few-shot prototypes, and retrieval with repeated captions. Run after install/install.sh.
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
# Retrieval on the same crops with one caption per class repeated over its 25 crops (100 captions, 4 distinct): the
# case of caption sets built from templates, scored by distinct caption text.
/usr/bin/python3 - "$work/crops" <<'PY'
import os, sys
root = sys.argv[1]
words = {"brick": "a photo of a brick wall", "grass": "a close-up photo of grass",
         "gravel": "an image of small stones", "ihc": "a picture of immunohistochemistry"}
with open(os.path.join(root, "captions.csv"), "w") as f:
    f.write("image,caption,label\n")
    for c in sorted(words):
        for name in sorted(os.listdir(os.path.join(root, c))):
            f.write(f"{c}/{name},{words[c]},{c}\n")
PY
"$edgert" eval retrieval "$work/crops/captions.csv" --ks 1,5,10 -o "$out/retrieval" --cache "$work/embeddings" --config "$work/config.json" > /dev/null
# The reports name the temporary dataset folder; the docs show where it came from instead.
sed -i "s|$work/crops|held-out crops (25 per class)|g" "$out"/*/report.md "$out"/*/report.json "$out"/*/samples.csv
echo "docs/images/eval: zero-shot, linear-probe, few-shot, retrieval"

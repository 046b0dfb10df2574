#!/usr/bin/env bash
# Float against int8, per model family (issue 28 §1, issue 25 §4): for the CLIP ViT-B/32 reference and every family
# twin, the int8 copy that edgert's gate would judge (tools/quantize-model.py), measured by
# bench/EdgeRuntime.Bench.Speedups on the same preprocessed tissue tiles, float and int8 interleaved in one run:
# tiles/s of each, their ratio, the per-tile cosine of int8 to float (min, mean) and the gate's outcome at the bound
# (EdgeRuntime:Inference:Int8CosineBound, 0.99 by default) and the minimum speed-up (Int8MinSpeedup, 1.1; set
# PRECISION_MIN_SPEEDUP). Ratios only; nothing here is asserted.
#   bench/precision.sh [repeats=1] [bound=0.99] [slide]        prints a Markdown table; JSON rows to $PRECISION_JSON
# The family twins are the small twins tests build (artifacts/family-twins, artifacts/models/*-twin); full-size
# families (tools/families) are measured the same way by pointing PRECISION_MODELS at their package folders.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repeats=${1:-1}
bound=${2:-0.99}
min_speed_up=${PRECISION_MIN_SPEEDUP:-1.1}   # EdgeRuntime:Inference:Int8MinSpeedup
slide=${3:-}
threads=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ -n "${PRECISION_MODELS:-}" ]; then
  read -r -a models <<< "$PRECISION_MODELS"
else
  models=("$repo/artifacts/models/clip-vit-b32-reference/1.0.0")
  while IFS= read -r m; do models+=("$(dirname "$m")"); done < <(
    { find "$repo/artifacts/models" -path '*-twin/1.0.0/model.json'; find "$repo/artifacts/family-twins" -path '*/models/*/1.0.0/model.json'; } 2>/dev/null | sort)
fi

speedups=${SPEEDUPS_DIR:-}
if [ -z "$speedups" ]; then
  speedups=$work/speedups
  dotnet build -c Release "$repo/bench/EdgeRuntime.Bench.Speedups" -o "$speedups" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi

if [ -z "$slide" ]; then
  slide=$work/bench.tiff
  /usr/bin/python3 "$repo/tools/make-sample-slide.py" --image "$repo/artifacts/sample/ihc.png" --out "$slide" --width 3072 --height 3072 \
    --block-x 512 --block-y 512 --cols 4 --rows 4 > /dev/null
fi

rows=()
for model in "${models[@]}"; do
  id=$(basename "$(dirname "$model")")
  if ! /usr/bin/python3 "$repo/tools/quantize-model.py" "$model" "$work/int8/$id" --version 1.0.0-int8 > "$work/$id-quantize.log" 2>&1; then
    rows+=("{\"model\":\"$id\",\"quantised\":false,\"why\":$(tail -n 1 "$work/$id-quantize.log" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))')}")
    continue
  fi
  if ! dotnet "$speedups/EdgeRuntime.Bench.Speedups.dll" "$model" "$slide" 32 "$threads" "$repeats" "$work/$id.json" "$work/int8/$id" > "$work/$id.log" 2>&1; then
    # A model the bench cannot run says why in its row rather than the run stopping.
    rows+=("{\"model\":\"$id\",\"quantised\":false,\"why\":$(grep -m1 -E 'Exception|error' "$work/$id.log" | /usr/bin/python3 -c 'import json,sys; print(json.dumps("not measured: " + sys.stdin.read().strip()[:120]))')}")
    continue
  fi
  rows+=("$(/usr/bin/python3 - "$work/$id.json" "$id" "$bound" "$min_speed_up" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
float_row = next(v for v in doc["variants"] if v["variant"].startswith("float32"))
int8_row = next(v for v in doc["variants"] if v["variant"].startswith("int8"))
bound = float(sys.argv[3])
min_speed_up = float(sys.argv[4])
ratio = int8_row["tilesPerSecond"] / float_row["tilesPerSecond"]
print(json.dumps({"model": sys.argv[2], "quantised": True, "tiles": doc["tiles"], "floatTilesPerSecond": float_row["tilesPerSecond"],
    "int8TilesPerSecond": int8_row["tilesPerSecond"], "int8OverFloat": int8_row["tilesPerSecond"] / float_row["tilesPerSecond"],
    "cosineMin": int8_row["cosineMin"], "cosineMean": int8_row["cosineMean"], "bound": bound, "minSpeedUp": min_speed_up,
    "gate": "pass" if int8_row["cosineMin"] >= bound and ratio >= min_speed_up else ("fail: slower than the minimum speed-up" if int8_row["cosineMin"] >= bound else "fail")}))
PY
)")
done

json="[$(IFS=,; echo "${rows[*]}")]"
[ -n "${PRECISION_JSON:-}" ] && echo "$json" > "$PRECISION_JSON"
/usr/bin/python3 - "$json" "$threads" "$repeats" <<'PY'
import json, sys
rows = json.loads(sys.argv[1])
print(f"float vs int8 image encoder, {sys.argv[2]} intra-op threads, batch 32, {sys.argv[3]} repeat(s), one run\n")
print("| model | tiles | float tiles/s | int8 tiles/s | int8 ÷ float | cosine min | cosine mean | gate |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    if not r["quantised"]:
        why = r["why"] if r["why"].startswith("not measured") else "not quantised: " + r["why"]
        print(f"| {r['model']} | | | | | | | {why} |")
        continue
    print(f"| {r['model']} | {r['tiles']} | {r['floatTilesPerSecond']:.1f} | {r['int8TilesPerSecond']:.1f} | {r['int8OverFloat']:.2f} | {r['cosineMin']:.5f} | {r['cosineMean']:.5f} | {r['gate']} (cosine ≥ {r['bound']}, speed-up ≥ {r['minSpeedUp']}) |")
PY

#!/usr/bin/env bash
# What the cell task costs over encoding: `edgert process` on a generated slide of known nuclei with the UNI-shaped
# twin and no task, then with the reference cell head (Processing:CellHead), in turn (A B A B ...) so that drift hits
# both alike. Prints each configuration's median wall time and encode time (the encoder pass, tasks included) and
# peak memory, the ratio to "no cells", and cells per second of the cell configuration. Not part of CI.
#   bench/cells.sh [runs=5] [width=4480] [height=3584]        after install/install.sh (the twin and the head)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-5}
width=${2:-4480}
height=${3:-3584}
edgert=$repo/artifacts/bin/edgert
cells=$repo/artifacts/cells
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
[ -x "$edgert" ] || { echo "run install/install.sh first (builds $edgert)" >&2; exit 1; }
model=$cells/uni/models/uni/1.0.0
head=$(ls -d "$cells"/heads/*/synthetic-nuclei-uni/1.0.0 2>/dev/null | head -1)
[ -f "$model/model.json" ] && [ -n "$head" ] || { echo "run install/install.sh first (builds the UNI twin and the reference cell head under $cells)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$repo/tools/train-cell-head.py" --slide "$work/nuclei.tiff" --width "$width" --height "$height" --seed 1 --truth "$work/truth.json"
for name in none cells; do
  extra=""
  [ "$name" = cells ] && extra=", \"Processing\": { \"CellHead\": \"$head\" }"
  printf '{ "EdgeRuntime": { "Plugins": { "Tasks": "", "ActiveFile": "%s" }, "Inference": { "ExecutionProviders": ["CPU"] }, "Tissue": { "Detector": "none" }, "Tiling": { "Overlap": 32 }%s } }\n' \
    "$work/active.json" "$extra" > "$work/$name.json"
done

"$edgert" process "$work/nuclei.tiff" --model "$model" --out "$work/results" --config "$work/none.json" > /dev/null 2>&1 # warm-up
for run in $(seq "$runs"); do
  for name in none cells; do
    /usr/bin/time -f '%e %M' -o "$work/t" "$edgert" process "$work/nuclei.tiff" --model "$model" --out "$work/results" --config "$work/$name.json" > "$work/result.json" 2>/dev/null
    encode=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timings"]["encodeMs"] / 1000)' "$work/result.json")
    echo "$(cat "$work/t") $encode" >> "$work/$name.times"
    [ "$name" = cells ] && /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tasks"]["cells"]["output"]["cells"])' "$work/result.json" > "$work/cells.count"
  done
done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
base_encode=$(cut -d' ' -f3 "$work/none.times" | median)
echo "slide ${width}x${height} px at 0.5 um/px, $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["nuclei"]))' "$work/truth.json") known nuclei; $runs runs each, medians"
for name in none cells; do
  wall=$(cut -d' ' -f1 "$work/$name.times" | median)
  rss=$(cut -d' ' -f2 "$work/$name.times" | median)
  encode=$(cut -d' ' -f3 "$work/$name.times" | median)
  awk -v n="$name" -v w="$wall" -v r="$rss" -v e="$encode" -v be="$base_encode" \
    'BEGIN { printf "%-6s wall %6.2f s   encode+tasks %6.2f s (x%.2f of encoding alone)   peak RSS %5d MiB\n", n, w, e, e / be, r / 1024 }'
done
count=$(cat "$work/cells.count")
cells_encode=$(cut -d' ' -f3 "$work/cells.times" | median)
awk -v c="$count" -v e="$cells_encode" -v be="$base_encode" \
  'BEGIN { printf "cells: %d per slide, %.0f cells/s of the cell task alone (its time over encoding), %.0f cells/s end to end\n", c, c / (e - be), c / e }'

#!/usr/bin/env bash
# What the task plugins cost: `edgert process` on one slide with no task, with the default zero-shot tagging, and
# with tagging and feature extraction, each run in turn (A B C A B C ...) so that drift hits all alike. Prints
# each configuration's median wall time and peak memory, and the ratios to "no task", all measured in one run.
#   bench/tasks.sh [slide] [runs] [model-dir]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
slide=${1:-$repo/artifacts/sample/sample-ihc.tiff}
runs=${2:-5}
model=${3:-$repo/artifacts/models/clip-vit-b32-reference/1.0.0}
edgert=$repo/artifacts/bin/edgert
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
[ -x "$edgert" ] || { echo "run install/install.sh first (builds $edgert)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

names=(none tagging tagging+features)
tasks=("" "zero-shot-tagging/1.0.0" "zero-shot-tagging/1.0.0, features/1.0.0")
for i in 0 1 2; do
  printf '{ "EdgeRuntime": { "Plugins": { "Tasks": "%s", "ActiveFile": "%s" }, "Inference": { "ExecutionProviders": ["CPU"] } } }\n' \
    "${tasks[$i]}" "$work/active.json" > "$work/${names[$i]}.json"
done

"$edgert" process "$slide" --model "$model" --out "$work/results" --config "$work/none.json" > /dev/null 2>&1 # warm-up (text-embedding cache, page cache)
for run in $(seq "$runs"); do
  for name in "${names[@]}"; do
    /usr/bin/time -f '%e %M' -o "$work/t" "$edgert" process "$slide" --model "$model" --out "$work/results" --config "$work/$name.json" > /dev/null 2>&1
    cat "$work/t" >> "$work/$name.times"
  done
done

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
base_wall=$(cut -d' ' -f1 "$work/none.times" | median)
base_rss=$(cut -d' ' -f2 "$work/none.times" | median)
echo "slide $(basename "$slide"), model $(basename "$(dirname "$model")"), $runs runs each, medians"
for name in "${names[@]}"; do
  wall=$(cut -d' ' -f1 "$work/$name.times" | median)
  rss=$(cut -d' ' -f2 "$work/$name.times" | median)
  awk -v n="$name" -v w="$wall" -v r="$rss" -v bw="$base_wall" -v br="$base_rss" \
    'BEGIN { printf "%-18s wall %6.2f s (x%.3f)   peak RSS %5d MiB (%+d MiB)\n", n, w, w / bw, r / 1024, (r - br) / 1024 }'
done

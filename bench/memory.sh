#!/usr/bin/env bash
# Peak memory of `edgert process` on a generated slide and on one twice its area: the pipeline must not hold
# a whole slide, so the peak should barely move. Prints both peaks and their difference, measured in one run.
#   bench/memory.sh [model-dir]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-$repo/artifacts/models/tiny-reference/1.0.0}
edgert=$repo/artifacts/bin/edgert
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
[ -x "$edgert" ] || { echo "run install/install.sh first (builds $edgert)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
image=$repo/artifacts/sample/ihc.png

# Same layout, twice the area: sides and block scaled by √2 (tissue 5 x 4 copies, then 7 x 6 ≈ 2.1 x).
/usr/bin/python3 "$repo/tools/make-sample-slide.py" --image "$image" --out "$work/one.tiff" --width 6144 --height 4096 --block-x 512 --block-y 512 --cols 5 --rows 4 >/dev/null
/usr/bin/python3 "$repo/tools/make-sample-slide.py" --image "$image" --out "$work/two.tiff" --width 8704 --height 5792 --block-x 512 --block-y 512 --cols 7 --rows 6 >/dev/null

peak() {
  /usr/bin/time -v "$edgert" process "$1" --model "$model" --out "$work/results" > /dev/null 2> "$work/time.txt"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}
one=$(peak "$work/one.tiff")
two=$(peak "$work/two.tiff")
echo "peak RSS, slide of 25 Mpx:   $((one / 1024)) MiB"
echo "peak RSS, slide of 50 Mpx:   $((two / 1024)) MiB"
echo "difference:                  $(((two - one) / 1024)) MiB"

#!/usr/bin/env bash
# What each model family costs at FULL size (issue 25 §4), one family at a time: a seeded checkpoint in the family's
# published layout at its published size, imported by the importer `edgert models import` runs, quantised by
# tools/quantize-model.py, then bench/EdgeRuntime.Bench.Speedups runs float and int8 on the same preprocessed tissue
# tiles in one process, one after the other (ratios from one run): package size and load as the service loads it
# (hashes, checks, sessions), session start-up, tiles/s, core-seconds per tile, working set, int8's cosine to float.
# Packages are deleted after their row (a ViT-g is 4.5 GB) unless FAMILIES_KEEP=1.
#   bench/families.sh [tiles=8] [families...]        Markdown to stdout; JSON rows to $FAMILIES_JSON
# Each row records the load average when it ran: on a shared machine tiles/s falls with the share of the cores the
# bench gets, while core-seconds per tile and int8 ÷ float hold. FAMILIES_BUDGET (seconds, default 1800) bounds each
# family's float and int8 run (not the checkpoint and import before it); a family that cannot be measured says why in its row. FAMILIES_TWIN=1 runs the same steps on
# the small twins of the vision-only families (a check of this script in seconds).
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tiles=${1:-8}
shift || true
families=("$@")
[ ${#families[@]} -gt 0 ] || families=(plip quiltnet quiltnet-pmb kep conch uni virchow2 uni2 prov-gigapath h-optimus)
budget=${FAMILIES_BUDGET:-1800}
threads=$(nproc)
work=${FAMILIES_WORK:-$(mktemp -d)}
mkdir -p "$work"
python=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step() { echo "[$(date +%H:%M:%S)] $*" >&2; }
load() { cut -d' ' -f1 /proc/loadavg; }

speedups=${SPEEDUPS_DIR:-}
if [ -z "$speedups" ]; then
  speedups=$work/speedups
  dotnet build -c Release "$repo/bench/EdgeRuntime.Bench.Speedups" -o "$speedups" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
slide=${FAMILIES_SLIDE:-$work/bench.tiff}
[ -f "$slide" ] || "$python" "$repo/tools/make-sample-slide.py" --image "$repo/artifacts/sample/ihc.png" --out "$slide" --width 3072 --height 3072 \
  --block-x 512 --block-y 512 --cols 4 --rows 4 > /dev/null

row() { echo "$1" >> "$work/rows.jsonl"; }
why() { "$python" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
: > "$work/rows.jsonl"
for family in "${families[@]}"; do
  f=$work/$family
  rm -rf "$f"; mkdir -p "$f"
  step "$family: synthetic full-size checkpoint (load $(load))"
  case $family in
    plip|quiltnet|quiltnet-pmb|conch|kep) write=("$repo/bench/full_size_vision_language.py" "$family" "$f/checkpoint") ;;
    *) write=("$repo/tools/import-checkpoint.py" --family "$family" --write-synthetic "$f/checkpoint" --seed 0 ${FAMILIES_TWIN:+--twin}) ;;
  esac
  if ! /usr/bin/time -f '%M %e' -o "$f/write.time" "$python" "${write[@]}" > "$f/write.log" 2>&1; then
    row "{\"family\":\"$family\",\"measured\":false,\"why\":$(why "writing the checkpoint failed: $(tail -n 1 "$f/write.log")")}"; rm -rf "$f"; continue
  fi
  step "$family: import (load $(load))"
  if ! /usr/bin/time -f '%M %e' -o "$f/import.time" "$python" "$repo/tools/import-checkpoint.py" --family "$family" "$f/checkpoint" --out "$f/models" > "$f/import.log" 2>&1; then
    row "{\"family\":\"$family\",\"measured\":false,\"why\":$(why "import failed: $(tail -n 1 "$f/import.log")")}"; rm -rf "$f"; continue
  fi
  rm -rf "$f/checkpoint"
  package=$(tail -n 1 "$f/import.log")
  step "$family: int8 copy (load $(load))"
  int8=()
  if /usr/bin/time -f '%M %e' -o "$f/quantise.time" "$python" "$repo/tools/quantize-model.py" "$package" "$f/int8" --version 1.0.0-int8 > "$f/quantise.log" 2>&1; then
    int8=("$f/int8")
  fi
  step "$family: float and int8 on $tiles tiles (load $(load))"
  before=$(load)
  batch=$(( tiles < 8 ? tiles : 8 ))
  timeout "$budget" /usr/bin/time -f '%M %e' -o "$f/bench.time" dotnet "$speedups/EdgeRuntime.Bench.Speedups.dll" "$package" "$slide" "$batch" "$threads" 1 "$f/bench.json" \
    "${int8[@]}" --tiles "$tiles" --no-optimised > "$f/bench.log" 2>&1
  status=$?
  after=$(load)
  cat "$f/bench.log" >&2
  if [ "$status" -ne 0 ]; then
    reason="the bench stopped (exit $status$([ "$status" -eq 124 ] && echo ": over the ${budget} s budget"); $(grep -m1 -E 'Exception|rror' "$f/bench.log" | cut -c1-160))"
    row "{\"family\":\"$family\",\"measured\":false,\"why\":$(why "$reason"),\"loadBefore\":$before,\"loadAfter\":$after}"
  else
    row "$("$python" - "$f" "$family" "$before" "$after" "${#int8[@]}" <<'PY'
import json, sys
f, family, before, after, quantised = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
doc = json.load(open(f + "/bench.json"))
fl = doc["variants"][0]
i8 = doc["variants"][1] if quantised else None
peak, wall = open(f + "/bench.time").read().split()[:2]
imp = open(f + "/import.time").read().split()
out = {"family": family, "measured": True, "tiles": doc["tiles"], "batch": doc["batch"], "embedding": doc["embedding"],
       "packageMegabytes": doc["packageMegabytes"], "loadSeconds": doc["packageLoadSeconds"],
       "floatStartSeconds": fl["startSeconds"], "floatTilesPerSecond": fl["tilesPerSecond"],
       "floatCpuSecondsPerTile": fl["cpuSecondsPerTile"], "floatWorkingSetMegabytes": fl["workingSetMegabytes"],
       "peakRssMegabytes": int(peak) / 1024, "importPeakRssMegabytes": int(imp[0]) / 1024, "importSeconds": float(imp[1]),
       "loadBefore": before, "loadAfter": after}
if i8:
    out.update({"int8Megabytes": i8["megabytes"], "int8StartSeconds": i8["startSeconds"], "int8TilesPerSecond": i8["tilesPerSecond"],
                "int8CpuSecondsPerTile": i8["cpuSecondsPerTile"], "int8OverFloat": i8["speedOverFloat"],
                "int8WorkingSetMegabytes": i8["workingSetMegabytes"], "cosineMin": i8["cosineMin"], "cosineMean": i8["cosineMean"]})
else:
    out["int8Why"] = open(f + "/quantise.log").read().strip().splitlines()[-1]
print(json.dumps(out))
PY
)"
  fi
  [ "${FAMILIES_KEEP:-0}" = 1 ] || rm -rf "$f/models" "$f/int8"
done

[ -n "${FAMILIES_JSON:-}" ] && "$python" -c 'import json,sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])], indent=1))' "$work/rows.jsonl" > "$FAMILIES_JSON"
"$python" - "$work/rows.jsonl" "$threads" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
# The scanner's pace: 150 tissue tiles/s (60 slides/h of 9,000 tiles). Cores a CPU box needs for it: encoding's
# core-seconds per tile plus reading's (550 tiles/s per core, docs/performance.md).
def cores(cpu):
    return 150 * (cpu + 1 / 550)
print(f"full-size families, {sys.argv[2]} intra-op threads, float and int8 in one process per family, 1 repeat\n")
print("| family | embedding | package MB | load s | tiles | float tiles/s | float core-s/tile | int8 tiles/s | int8 core-s/tile | int8 ÷ float | int8 cosine min | peak RSS MB | cores for 150 tiles/s (float / int8) | load avg |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
for r in rows:
    if not r["measured"]:
        print(f"| {r['family']} | not measured: {r['why']} | | | | | | | | | | | | {r.get('loadBefore', '')} |")
        continue
    i8 = "int8TilesPerSecond" in r
    int8_cells = (f"{r['int8TilesPerSecond']:.2f} | {r['int8CpuSecondsPerTile']:.2f} | {r['int8OverFloat']:.2f} | {r['cosineMin']:.4f}"
                  if i8 else f" | | | no int8 copy: {r['int8Why']}")
    need = f"{cores(r['floatCpuSecondsPerTile']):.0f}" + (f" / {cores(r['int8CpuSecondsPerTile']):.0f}" if i8 else "")
    print(f"| {r['family']} | {r['embedding']} | {r['packageMegabytes']:.0f} | {r['loadSeconds']:.1f} | {r['tiles']} | {r['floatTilesPerSecond']:.2f} | "
          f"{r['floatCpuSecondsPerTile']:.2f} | {int8_cells} | {r['peakRssMegabytes']:.0f} | {need} | {r['loadBefore']:.0f}–{r['loadAfter']:.0f} |")
PY

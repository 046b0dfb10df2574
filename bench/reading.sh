#!/usr/bin/env bash
# Reading faster than OpenSlide (issue 28, part 2): every figure a ratio of two things measured in this one run.
#   bench/reading.sh [repeats=3] [out-dir]     (called by bench/run; runs alone after install/install.sh)
# Per core (one reader thread, the same tiles, the same model-ready output: RGB at the model's tile size):
#   direct   edgert's direct JPEG reader (Slides:Reader auto: libjpeg-turbo on the file's tiles)
#   openslide edgert through OpenSlide (Slides:Reader openslide: today's reader)
#   python   openslide-python read_region + RGB over white (+ Pillow bicubic where needed)   goal direct ÷ python ≥ 2
# "Per core" is CPU seconds per tile: each reader's process CPU time over its passes (clock_gettime / time.process_time;
# the reading thread's alone is printed beside it), not tiles/s, which on a shared box swing with the share of the
# cores a reader gets. `repeats` rounds, each running direct, openslide and python in turn (interleaved, so drift in
# the box's load hits all three), each process PASSES (default 5) cold passes after warming up; medians over all
# passes. Wall-clock tiles/s are printed too, as a second figure, never the ratio that counts.
# All cores: I/O-bound = pipeline (tiny reference, direct reader) ÷ raw OpenSlide reads (today's reference)  goal ≥ 0.8
# on the bench slide (a vips JPEG tiled TIFF) and on CMU-1-Small-Region.svs (a real Aperio scan).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repeats=${1:-3}
out=${2:-}
passes=${PASSES:-5}
models=$repo/artifacts/models
[ -f "$models/tiny-reference/1.0.0/model.json" ] || { echo "bench/reading.sh: $models/tiny-reference missing: run install/install.sh first" >&2; exit 1; }
# Prerequisites: openslide-python is a Debian package (python3-openslide, in install/apt-packages.sh), and the
# direct reader needs libturbojpeg0; install them when missing, as install/apt-packages.sh would.
for p in python3-openslide libturbojpeg0; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" > /dev/null
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 EDGERT_BENCH_COLD=1
step() { echo "[$(date +%H:%M:%S)] reading: $*" >&2; }

if [ -n "${EDGERT_BENCH_BUILT:-}" ]; then bench="dotnet $EDGERT_BENCH_BUILT/EdgeRuntime.Bench.dll"; else
  step "building the bench"
  dotnet build -c Release "$repo/bench/EdgeRuntime.Bench" -o "$work/bench" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  bench="dotnet $work/bench/EdgeRuntime.Bench.dll"
fi
if [ -n "${EDGERT_BENCH_SLIDE:-}" ]; then cp "$EDGERT_BENCH_SLIDE" "$work/bench.tiff"; else
  step "making the bench slide (8 x 8 copies of the IHC field, JPEG tiles)"
  /usr/bin/python3 "$repo/tools/make-sample-slide.py" --image "$repo/artifacts/sample/ihc.png" --out "$work/bench.tiff" --width 5120 --height 5120 --block-x 512 --block-y 512 --cols 8 --rows 8 > /dev/null
fi
cores=$(nproc)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
tiny=$models/tiny-reference/1.0.0
rate() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tilesPerSecond"][sys.argv[2]])' "$1" "$2"; }

declare -A slides=([bench]="$work/bench.tiff" [aperio]="$(cd "$repo/.." && pwd)/shared/data/slides/CMU-1-Small-Region.svs")
[ -f "${slides[aperio]}" ] || unset 'slides[aperio]'
for name in "${!slides[@]}"; do
  s=${slides[$name]}
  step "$name: one reader, direct vs OpenSlide (edgert) vs openslide-python, $repeats interleaved rounds of $passes passes"
  for r in $(seq "$repeats"); do
    EDGERT_BENCH_READER=auto EDGERT_BENCH_TILES_OUT="$work/$name-tiles.json" $bench "$tiny" "$s" 32 1 "$passes" 1 "$work/$name-direct-$r.json" raw > /dev/null
    EDGERT_BENCH_READER=openslide $bench "$tiny" "$s" 32 1 "$passes" 1 "$work/$name-openslide-$r.json" raw > /dev/null
    /usr/bin/python3 "$repo/bench/read_tiles.py" "$s" "$work/$name-tiles.json" "$passes" > "$work/$name-python-$r.json"
  done
  step "$name: all $cores cores, pipeline with the direct reader vs raw OpenSlide reads (tiny reference)"
  EDGERT_BENCH_READER=auto EDGERT_BENCH_RAW_READER=openslide $bench "$tiny" "$s" 32 "$cores" "$repeats" "$cores" "$work/$name-io.json" pipeline,raw > /dev/null
  EDGERT_BENCH_READER=auto $bench "$tiny" "$s" 32 "$cores" "$repeats" "$cores" "$work/$name-io-direct.json" raw > /dev/null
done

/usr/bin/python3 - "$work" "$repeats" "$(cut -d' ' -f1-3 /proc/loadavg)" "$load0" "${!slides[@]}" <<'PY' | tee "$work/reading.md"
import json, statistics, sys
work, repeats, load1, load0, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
def passes(name, kind):
    """Every measured pass of every round: (tiles/s, process CPU s/tile, reading thread's CPU s/tile)."""
    out = []
    for r in range(1, repeats + 1):
        d = json.load(open(f"{work}/{name}-{kind}-{r}.json"))
        if kind == "python":
            c = d["cpuSecondsPerTile"]
            out += zip(d["runs"], c["processRuns"], c["threadRuns"])
        else:
            c = d["rawCpuSecondsPerTile"]
            out += zip(d["runs"]["raw"], c["processRuns"], c["threadRuns"])
    return [statistics.median(v) for v in zip(*out)]
print(f"load average (1, 5, 15 min) at the start: {load0}; at the end: {load1}. CPU ms per tile: the reader process's "
      f"CPU time over its passes (its reading thread's alone in brackets), median of {repeats} interleaved rounds' passes; "
      "the per-core ratio is python's CPU per tile ÷ direct's. Wall tiles/s are the same passes' clock, for reference.")
print()
print("| slide | tiles | CPU ms/tile: direct | OpenSlide (edgert) | openslide-python | **per core: python ÷ direct CPU per tile (goal ≥ 2)** | python ÷ OpenSlide (edgert) | wall tiles/s, 1 reader: direct / OpenSlide / python | wall ratio direct ÷ python | raw reads, all cores: direct ÷ OpenSlide | I/O-bound: pipeline (direct) ÷ raw OpenSlide (goal ≥ 0.8) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name in sorted(names):
    (dw, dc, dt), (ow, oc, ot), (pw, pc, pt) = passes(name, "direct"), passes(name, "openslide"), passes(name, "python")
    io = json.load(open(f"{work}/{name}-io.json"))
    iod = json.load(open(f"{work}/{name}-io-direct.json"))
    tiles = json.load(open(f"{work}/{name}-tiles.json"))
    pipe, raw = io["tilesPerSecond"]["pipeline"], io["tilesPerSecond"]["raw"]
    rawd = iod["tilesPerSecond"]["raw"]
    print(f"| {name} | {len(tiles['tiles'])} | {dc * 1e3:.3f} ({dt * 1e3:.3f}) | {oc * 1e3:.3f} ({ot * 1e3:.3f}) | {pc * 1e3:.3f} ({pt * 1e3:.3f}) | **{pc / dc:.2f}×** | {pc / oc:.2f}× "
          f"| {dw:,.0f} / {ow:,.0f} / {pw:,.0f} | {dw / pw:.2f}× | {rawd:,.0f} ÷ {raw:,.0f} = {rawd / raw:.2f}× | {pipe:,.0f} ÷ {raw:,.0f} = **{pipe / raw:.2f}** |")
PY
[ -z "$out" ] || cp "$work/reading.md" "$out"

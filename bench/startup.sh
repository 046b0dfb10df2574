#!/usr/bin/env bash
# Whole-command start-up (issue 28, part 3): edgert as install/install.sh builds it (IL, jitted at start) against the
# same code published ReadyToRun (precompiled for linux-x64), measured in this one run, rounds interleaved.
#   bench/startup.sh [rounds=5]      (run after install/install.sh; prints medians and the ratios)
# Per command: wall seconds and CPU seconds (user + system). CPU seconds are the steadier figure on a shared
# machine: JIT work is CPU work, whatever else runs beside it.
#   slide info   runtime start, configuration, OpenSlide: no model
#   start        edgert process on ../shared/data/slides/small.svs (16 x 16 px of glass: no tile has tissue, so the
#                whole command is start-up: configuration, plugins, model load, text embeddings), when it is there
#   process      the tiny reference model on the sample (float precision, so no int8 copy is judged meanwhile)
#   embed, tag   the features and tagging task plugins on the sample (embed needs no text tower at all)
# Each variant runs in its own working folder, kept across rounds, after one warm-up run that is not counted: the
# state folder (kept model and plugin verdicts, plugin snapshots) and the class-embedding cache then hold what an
# installed box holds after its first start. A fresh folder per run measured the verification children instead
# (a child edgert per model and task plugin: about 3 CPU s more). EDGERT_TRACE_STARTUP=1 on one command prints
# where its start-up goes, phase by phase (docs/performance.md).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${1:-5}
home=${EDGERT_HOME:-$repo/artifacts}
sample=$home/sample/sample-ihc.tiff
tiny=$home/models/tiny-reference/1.0.0
glass=$(cd "$repo/.." && pwd)/shared/data/slides/small.svs
[ -f "$tiny/model.json" ] && [ -f "$sample" ] || { echo "bench/startup.sh: run install/install.sh first ($tiny, $sample)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 EdgeRuntime__Inference__Precision=float
export EdgeRuntime__ZeroShot__TextEmbeddingCache=$work/text-embeddings
step() { echo "[$(date +%H:%M:%S)] startup: $*" >&2; }

cli=$repo/src/EdgeRuntime.Cli/EdgeRuntime.Cli.csproj
step "publishing edgert twice: IL (jitted) and ReadyToRun, both framework-dependent for linux-x64"
dotnet publish "$cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=false -o "$work/jit" -nologo -v quiet -clp:ErrorsOnly
dotnet publish "$cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/r2r" -nologo -v quiet -clp:ErrorsOnly

# One measurement: prints "wall cpu" in seconds.
measure() {
  /usr/bin/time -o "$work/time" -f "%e %U %S" "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/time"
}
: > "$work/rows"
# One round: every command once under variant $1, in its working folder; rows are kept when $2 is "keep".
round() {
  local v=$1 d=$work/run-$1
  mkdir -p "$d"
  row() { read -r w c; [ "$2" = keep ] && echo "$v $1 $w $c" >> "$work/rows"; true; }
  (cd "$d" && measure "$work/$v/edgert" slide info "$sample") | row info "$2"
  if [ -f "$glass" ]; then
    (cd "$d" && measure "$work/$v/edgert" process "$glass" -m "$tiny" --out "$d/glass") | row start "$2"
  fi
  (cd "$d" && measure "$work/$v/edgert" process "$sample" -m "$tiny" --out "$d/results") | row process "$2"
  (cd "$d" && measure "$work/$v/edgert" embed "$sample" -m "$tiny" -o "$d/features.h5") | row embed "$2"
  (cd "$d" && measure "$work/$v/edgert" tag "$sample" -m "$tiny") | row tag "$2"
}
for v in jit r2r; do round "$v" warm-up; done
step "warm-up done (verdicts, snapshots and class embeddings kept)"
for r in $(seq 1 "$rounds"); do
  for v in jit r2r; do round "$v" keep; done
  step "round $r of $rounds done"
done

/usr/bin/python3 - "$work/rows" "$rounds" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(v, cmd, i): return statistics.median(float(r[i]) for r in rows if r[0] == v and r[1] == cmd)
print(f"whole-command start-up, median of {sys.argv[2]} interleaved rounds (seconds)")
print(f"{'command':<12} {'IL wall':>8} {'R2R wall':>9} {'IL cpu':>7} {'R2R cpu':>8} {'cpu IL/R2R':>11}")
for cmd in ("info", "start", "process", "embed", "tag"):
    if not any(r[1] == cmd for r in rows): continue
    jw, rw, jc, rc = med("jit", cmd, 2), med("r2r", cmd, 2), med("jit", cmd, 3), med("r2r", cmd, 3)
    print(f"{cmd:<12} {jw:>8.2f} {rw:>9.2f} {jc:>7.2f} {rc:>8.2f} {jc / rc:>10.2f}x")
EOF

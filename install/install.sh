#!/usr/bin/env bash
# EdgeRuntime quick start on Debian 12 with the .NET SDK: installs what is missing (Debian packages,
# the sample slide), builds edgert, and runs it on the sample, showing what it found.
# Everything it makes goes under artifacts/ in the checkout (or $EDGERT_HOME).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${EDGERT_HOME:-$repo/artifacts}

step() { printf '\n== %s\n' "$*"; }

step "Debian packages"
bash "$repo/install/apt-packages.sh"

step "Sample slide"
sample="$home/sample/sample-ihc.tiff"
if [ ! -s "$sample" ]; then
  image=$(bash "$repo/install/sample-images.sh" "$home/sample")/ihc.png
  # A 3 x 2 block of the IHC field on glass, with wide margins, a black scanner border and a green pen
  # stroke, at 0.5 µm/px: the tiles must cover the block and skip the rest.
  /usr/bin/python3 "$repo/tools/make-sample-slide.py" --image "$image" --out "$sample" --black-border 120 --pen >/dev/null
fi
echo "$sample"

step "Reference models (pipeline-test models: random weights, their tags mean nothing)"
/usr/bin/python3 "$repo/tools/make-reference-models.py" --out "$home/models" --tokenizer "$repo/plugins/tokenizers/clip" 2>/dev/null

step "Texture test model (a tiny CLIP trained here on four real images: a TEST model, not a pathology model)"
# 70 s on 2 cores (245 s on a loaded machine), once: a package trained from the same inputs is kept.
bash "$repo/install/sample-images.sh" "$home/sample" >/dev/null
/usr/bin/python3 "$repo/tools/train-test-model.py" --images "$home/sample" --out "$home/models" --prompts-out "$home/prompts" \
  --tokenizer "$repo/plugins/tokenizers/clip"

step "Reference cell head (a decoder trained here on a frozen UNI-shaped twin's tokens and synthetic nuclei: a TEST head)"
# About 4 CPU-minutes on 2 cores, once: kept under a hash of the tools and the encoder, as the tests keep theirs.
cells="$home/cells"
if [ ! -f "$cells/uni/models/uni/1.0.0/model.json" ]; then
  rm -rf "$cells/uni"
  /usr/bin/python3 "$repo/tools/import-checkpoint.py" --family uni --write-synthetic "$cells/uni/checkpoint" --twin --seed 11 >/dev/null
  /usr/bin/python3 "$repo/tools/import-checkpoint.py" --family uni "$cells/uni/checkpoint" --out "$cells/uni/models" >/dev/null
fi
head_hash=$(cat "$repo/tools/train-cell-head.py" $(LC_ALL=C ls "$repo"/tools/cells/*.py) "$cells/uni/models/uni/1.0.0/model.json" | sha256sum | cut -c1-16)
if [ ! -f "$cells/heads/$head_hash/synthetic-nuclei-uni/1.0.0/head.json" ]; then
  /usr/bin/python3 "$repo/tools/train-cell-head.py" --family uni --checkpoint "$cells/uni/checkpoint" \
    --package "$cells/uni/models/uni/1.0.0" --out "$cells/heads/$head_hash"
fi
echo "$cells/heads/$head_hash/synthetic-nuclei-uni/1.0.0 (Processing:CellHead, with the model $cells/uni/models/uni/1.0.0)"

step "Build edgert"
# Published for this machine's runtime identifier and ReadyToRun: our assemblies and the packages' are compiled ahead
# of time, so each command (and each child edgert that verifies a plugin) starts with less JIT work, and only this
# platform's native libraries are shipped (bench/startup.sh measures the difference; docs/performance.md).
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) rid= ;;
esac
if [ -n "$rid" ]; then
  dotnet publish "$repo/src/EdgeRuntime.Cli/EdgeRuntime.Cli.csproj" -c Release -r "$rid" --self-contained false \
    -p:PublishReadyToRun=true -o "$home/bin" -nologo -v quiet -clp:ErrorsOnly
else
  dotnet build "$repo/src/EdgeRuntime.Cli/EdgeRuntime.Cli.csproj" -c Release -o "$home/bin" -nologo -v quiet -clp:ErrorsOnly
fi
echo "$home/bin/edgert"

step "Plugins root $home/bin/plugins (models, prompts, tasks side by side)"
bash "$repo/install/place-models.sh" "$home/models" "$home/bin/plugins" "$home/prompts"
"$home/bin/edgert" plugins list

step "edgert slide info $sample"
"$home/bin/edgert" slide info "$sample"

step "edgert slide thumbnail $sample"
"$home/bin/edgert" slide thumbnail "$sample" -o "$home/sample/sample-ihc-tiles.png"

step "edgert process $sample (the service's pipeline and its default tasks: zero-shot tags, the class map, the retrieval index)"
# From $home, so that the retrieval index lands in $home/state/tasks (EdgeRuntime:Processing:TaskStateDirectory).
(cd "$home" && "$home/bin/edgert" process "$sample" --out "$home/results")

step "edgert search \"tumor epithelium\" (text search over the tiles just indexed)"
(cd "$home" && "$home/bin/edgert" search "tumor epithelium" --top 3)

echo
echo "Results of the sample: $home/results/<slide id>/: result.json (tags under tasks.zero-shot-tagging),"
echo "tiles.csv.gz, segmentation.png and segmentation.geojson (the class map; the GeoJSON opens in QuPath), overlay.png."
echo "Open $home/sample/sample-ihc-tiles.png to see the tissue (green) and the tiles kept."
echo "The reference models have random weights: tags, classes and hits show the pipeline works, not what the tissue is."
echo "To run the service: $home/bin/edgert run   (or sudo install/install-service.sh for systemd)."

#!/usr/bin/env bash
# Installs the Debian packages EdgeRuntime and its tests need, skipping those already installed.
# Used by install/install.sh and by .ci/run, so that both agree on the list.
set -euo pipefail

packages=(
  libopenslide0   # OpenSlide 3.4 (Debian 12): whole-slide formats, through our own P/Invoke binding
  libtiff6        # plain (untiled) TIFF images; already a dependency of libopenslide0
  libturbojpeg0   # libjpeg-turbo's TurboJPEG API: Aperio/tiled-TIFF JPEG tiles decoded directly, DCT-scaled (Slides:Reader)
  libvips-tools   # builds the pyramidal sample slide (vips tiffsave)
  python3-pil     # Pillow: the sample slide, and the reference that resizing is tested against
  python3-numpy
  python3-torch   # builds the reference models (seeded random weights) and their PyTorch reference embeddings
  python3-onnx
  python3-h5py    # tests read feature files back with an independent HDF5 implementation
  python3-jsonschema  # tests validate result documents against docs/result.schema.json independently
  python3-shapely # tests check segmentation GeoJSON with an independent geometry library
  python3-sklearn # tests check every evaluation metric and the linear probe against scikit-learn
  python3-openslide # bench/run: the Python reference pipeline (openslide-python), as pathology users read slides
  python3-paho-mqtt # bench/service-load.sh: a subscriber reading metrics and progress during the load
  python3-hl7     # tests parse the HL7 v2 ORU^R01 messages back with an independent parser (docs/lis.md)
  mosquitto       # a real MQTT broker for the end-to-end tests (started by the tests on a loopback port)
  mosquitto-clients # mosquitto_sub/mosquitto_pub: the tests subscribe as a standard LIS client would (docs/lis.md)
  prometheus      # a real Prometheus scrapes the service in the tests; promtool lints the exposition (docs/operations.md)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

echo "install: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian starts the services of packages it installs. The tests start their own broker and Prometheus on loopback
# ports; Debian's would listen on every interface (Prometheus on :9090 without authentication). Installed here for
# the tests, so stopped and disabled here, where systemd runs.
for service in mosquitto prometheus; do
  if [[ " ${missing[*]} " == *" $service "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
done

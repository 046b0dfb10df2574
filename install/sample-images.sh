#!/usr/bin/env bash
# Obtains real sample images from Debian's python3-skimage package: the .deb is downloaded and unpacked, not
# installed, so none of its dependencies are pulled in. They are scikit-image's data files (BSD-3-Clause):
#   ihc.png     a real 512x512 immunohistochemistry field (the sample slide is made of it)
#   brick.png, grass.png, gravel.png   512x512 photographs of textures (with ihc.png, what the test model learns)
#   install/sample-images.sh <out dir>    prints the folder
set -euo pipefail
out_dir=$1
names=(ihc brick grass gravel)
complete=true
for n in "${names[@]}"; do [ -s "$out_dir/$n.png" ] || complete=false; done
if $complete; then
  echo "$out_dir"
  exit 0
fi

mkdir -p "$out_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download python3-skimage >/dev/null 2>&1; then
  # apt's package lists may be missing on a fresh machine.
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq; else sudo apt-get update -qq; fi
  apt-get download python3-skimage >/dev/null
fi
dpkg-deb -x python3-skimage_*.deb unpacked
for n in "${names[@]}"; do
  found=$(find unpacked -path "*skimage/data/$n.png" | head -n 1)
  [ -n "$found" ] || { echo "sample-images: $n.png not found in python3-skimage" >&2; exit 1; }
  cp "$found" "$out_dir/$n.png.part"
  mv "$out_dir/$n.png.part" "$out_dir/$n.png"
done
echo "$out_dir"

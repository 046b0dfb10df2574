#!/usr/bin/env bash
# Obtains scikit-image's immunohistochemistry sample (ihc.png, a real 512x512 IHC field) from Debian's
# python3-skimage package: the .deb is downloaded and unpacked, not installed, so none of its
# dependencies are pulled in. Prints the path of the image.
set -euo pipefail
out_dir=$1
target="$out_dir/ihc.png"
if [ -s "$target" ]; then
  echo "$target"
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
found=$(find unpacked -path '*skimage/data/ihc.png' | head -n 1)
[ -n "$found" ] || { echo "sample-image: ihc.png not found in python3-skimage" >&2; exit 1; }
cp "$found" "$target.part"
mv "$target.part" "$target"
echo "$target"

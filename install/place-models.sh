#!/usr/bin/env bash
# Puts the model packages of a folder ({id}/{version}/model.json) into a plugins root's models/, where
# `edgert plugins list` shows them and admins activate them. Hard links where the disk allows (the packages are
# immutable and a reference model is hundreds of MB), copies otherwise. A version already there is left alone.
#   install/place-models.sh <models folder> <plugins root>
set -euo pipefail
source=${1:?models folder}
root=${2:?plugins root}
for manifest in "$source"/*/*/model.json; do
  [ -f "$manifest" ] || continue
  version_dir=$(dirname "$manifest")
  id=$(basename "$(dirname "$version_dir")")
  version=$(basename "$version_dir")
  target="$root/models/$id/$version"
  [ -f "$target/model.json" ] && continue
  mkdir -p "$(dirname "$target")"
  cp -al "$version_dir" "$target" 2>/dev/null || cp -a "$version_dir" "$target"
  echo "$target"
done

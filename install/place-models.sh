#!/usr/bin/env bash
# Puts the model packages of a folder ({id}/{version}/model.json), and optionally the prompt sets of another
# ({id}/{version}/prompts.json), into a plugins root's models/ and prompts/, where `edgert plugins list` shows them
# and admins activate them. Hard links where the disk allows (the packages are immutable and a reference model is
# hundreds of MB), copies otherwise. A version already there with the same manifest is left alone; one whose
# manifest differs (a test model retrained from changed inputs) is replaced.
#   install/place-models.sh <models folder> <plugins root> [<prompt sets folder>]
set -euo pipefail
source=${1:?models folder}
root=${2:?plugins root}
prompts=${3:-}

place() { # <version folder> <kind> <defining file>
  local version_dir=$1 kind=$2 file=$3
  local id version target
  id=$(basename "$(dirname "$version_dir")")
  version=$(basename "$version_dir")
  target="$root/$kind/$id/$version"
  if [ -f "$target/$file" ] && cmp -s "$version_dir/$file" "$target/$file"; then
    return
  fi
  rm -rf "$target"
  mkdir -p "$(dirname "$target")"
  cp -al "$version_dir" "$target" 2>/dev/null || cp -a "$version_dir" "$target"
  echo "$target"
}

for manifest in "$source"/*/*/model.json; do
  [ -f "$manifest" ] && place "$(dirname "$manifest")" models model.json
done
if [ -n "$prompts" ]; then
  for set in "$prompts"/*/*/prompts.json; do
    [ -f "$set" ] && place "$(dirname "$set")" prompts prompts.json
  done
fi
exit 0

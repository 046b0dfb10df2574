#!/usr/bin/env bash
# The figures docs/architecture.md quotes before and after a redesign step: public and internal top-level types per
# project, composition sites (places that build the object graph), hand-built JSON objects, and the largest files.
# Run from the repository root; it reads only the sources.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
type_re='^(\[[^]]*\] *)?(public|internal|file)? *((sealed|static|abstract|partial|readonly|ref|unsafe) +)*(class|struct|interface|enum|record|delegate) '
echo "## Top-level types per project (public / not public)"
for dir in src/*/; do
  project=$(basename "$dir")
  files=$(find "$dir" -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*')
  [ -z "$files" ] && continue
  all=$(grep -hE "$type_re" $files | grep -vE '^ ' | wc -l)
  pub=$(grep -hE "$type_re" $files | grep -vE '^ ' | grep -cE '^(\[[^]]*\] *)?public ' || true)
  echo "$project: $pub public / $((all - pub)) other"
done
echo
echo "## Composition sites (files that build an object graph: a container or hand-wired engine)"
grep -rlE 'new ServiceCollection\(|Host\.Create[A-Za-z]*Builder|TaskSetLoader\.LoadActive|new SlidePipeline\(|new SlideProcessor\(|new SlideEngine\(|new ResultCommitter\(' src --include='*.cs' | sort
echo "TryAdd of a shared singleton: $(grep -rhoE 'TryAddSingleton' src --include='*.cs' | wc -l) in $(grep -rlE 'TryAddSingleton' src --include='*.cs' | wc -l) files"
echo
echo "## Hand-built JSON objects"
echo "new JsonObject in src: $(grep -rhoE 'new JsonObject' src --include='*.cs' | wc -l) in $(grep -rlE 'new JsonObject' src --include='*.cs' | wc -l) files"
echo
echo "## Largest files in src (lines)"
find src -name '*.cs' -not -path '*/obj/*' -print0 | xargs -0 wc -l | grep -v ' total$' | sort -rn | head -8

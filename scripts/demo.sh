#!/usr/bin/env bash
# npm run demo: convert the bundled sample host (samples/host) into samples/output and show the result:
# every definition with its type, dependencies or contents, and its up/run script.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
node dist/s6migrate.cjs convert --root samples/host --out samples/output --force
echo
for def in samples/output/*/; do
  name=$(basename "$def")
  type=$(cat "$def/type")
  links=""
  # ls without -A hides contents.d/.empty, the marker of an empty bundle.
  if [ -d "$def/dependencies.d" ]; then links="needs: $(ls "$def/dependencies.d" | tr '\n' ' ')"; fi
  if [ -d "$def/contents.d" ]; then links="contains: $(ls "$def/contents.d" | tr '\n' ' ')"; fi
  printf '%-18s %-8s %s\n' "$name" "$type" "$links"
  for f in up down run; do
    if [ -f "$def/$f" ]; then sed "s/^/    $f| /" "$def/$f"; fi
  done
done

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
  [ -d "$def/dependencies.d" ] && links="needs: $(ls "$def/dependencies.d" | tr '\n' ' ')"
  [ -d "$def/contents.d" ] && links="contains: $(ls "$def/contents.d" | grep -v '^\.' | tr '\n' ' ')"
  printf '%-18s %-8s %s\n' "$name" "$type" "$links"
  for f in up down run; do
    [ -f "$def/$f" ] && sed "s/^/    $f| /" "$def/$f"
  done
done

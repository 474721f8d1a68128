#!/usr/bin/env bash
# Debian's OpenRC, unpacked and never installed: the judge of the OpenRC oracle and execution tests
# (test/resolve/openrc-*.test.ts). `apt-get download` fetches openrc and the two libraries openrc-run
# links (librc1, libeinfo1); `dpkg-deb -x` unpacks them into DIR/root. Cached: a second run does nothing.
# Usage: openrc-unpacked.sh DIR   (prints DIR/root)
set -euo pipefail
dir=${1:?usage: openrc-unpacked.sh DIR}
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir/debs" "$dir/root"
  mkdir -p "$dir/debs" "$dir/root"
  if ! apt-cache show openrc >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
  fi
  (cd "$dir/debs" && apt-get download -qq openrc librc1 libeinfo1 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
  [ -x "$dir/root/sbin/openrc-run" ] && [ -f "$dir/root/lib/x86_64-linux-gnu/librc.so.1" ] || { echo "openrc-unpacked.sh: download failed" >&2; exit 1; }
  touch "$dir/.complete"
fi
echo "$dir/root"

#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh machine, then runs
# the type check, the single-file build and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages, at the locked versions. `npm install`, not `npm ci`: npm 11 with this machine's
# omit-lockfile-registry-resolved setting writes locks that `npm ci` then calls out of sync.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

# Debian's s6 and execline: the tests run generated services under the real tools (stack 0.5 below).
# Graphviz: the graph test renders the dot output to SVG with the real `dot`. A compiler and Debian's
# skalibs/s6/execline headers and libraries: s6-rc is not packaged by Debian, both stacks are built below
# (build.sh would install these too; done here so a failure shows before any test runs).
need=()
command -v s6-svscan >/dev/null 2>&1 || need+=(s6)
command -v execlineb >/dev/null 2>&1 || need+=(execline)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
# gcc (and libc's static archive) builds the differential harness's recorder (docs/fidelity.md).
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
for pkg in build-essential skalibs-dev libs6-dev libexecline-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! apt-cache show s6 >/dev/null 2>&1; then $sudo apt-get update -qq; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# --- Boot test (test/host/boot.test.ts): debootstrap builds the Debian host it boots, cached under
# .cache/host/ by scripts/host-root.sh (about 3 min the first time, then nothing). The Node 18 test
# (test/host/debian-node.test.ts) debootstraps its Debian 12 and Debian 11 roots the same way
# (scripts/node-root.sh, .cache/node/, about 2 min each the first time). ---
if ! command -v debootstrap >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! apt-cache show debootstrap >/dev/null 2>&1; then $sudo apt-get update -qq; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
fi
# Built here, not inside the test: a vitest worker blocked minutes by debootstrap misses its runner's
# replies and fails the whole run ("Timeout calling onTaskUpdate").
for variant in sysv systemd; do bash scripts/host-root.sh "$variant" >/dev/null; done
# --- end of the boot test block ---

# Real distribution files for the corpus tests (cached; re-running is cheap).
corpus=${S6M_CORPUS:-$PWD/.cache/corpus}
if [ -d ../shared/corpus ] && [ ! -f "$corpus/.complete" ]; then
  # Absolute path: the script finds its package list beside itself after changing directory.
  fetch="$(cd ../shared/corpus && pwd)/fetch-corpus.sh"
  bash "$fetch" "$corpus"
  # Mark it complete only when packages really arrived, so a failed download is retried next time.
  if [ -n "$(find "$corpus" -mindepth 1 -maxdepth 1 -type d ! -name .debs | head -1)" ]; then touch "$corpus/.complete"; fi
fi
# Packages the upgrade tests need beyond the shared list (nginx, ssh, memcached, resolvconf, etcd: the
# services issue 12 found run differently), into the same corpus directory, with their own marker.
if [ -d ../shared/corpus ] && [ ! -f "$corpus/.complete-extra" ]; then
  bash "$(cd ../shared/corpus && pwd)/fetch-corpus.sh" "$corpus" "$PWD/test/corpus/extra-packages.txt"
  if [ -d "$corpus/nginx-common" ]; then touch "$corpus/.complete-extra"; fi
fi
export S6M_CORPUS="$corpus"

# --- OpenRC oracle and execution tests (test/resolve/openrc-*.test.ts): Debian's openrc, librc1 and
# libeinfo1 downloaded with apt-get download and unpacked under $S6M_CACHE/openrc, never installed. ---
S6M_OPENRC=$(bash scripts/openrc-unpacked.sh "${S6M_CACHE:-$PWD/.cache}/openrc" | tail -1)
export S6M_OPENRC
# The systemd oracle (test/resolve/oracle-systemd.test.ts) asks systemd-analyze and systemctl --root.
if ! command -v systemd-analyze >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd
fi
# --- end of the OpenRC block ---

# The two real s6-rc stacks every real-tool test runs against (test/support/stacks.ts): 0.5 on Debian's
# s6/execline, 0.6 upstream with its own s6/execline. Cached under $S6M_CACHE (first build about 2 s and
# 40 s, then 10 ms each); the vitest global setup finds them through S6M_STACK_0_5 / S6M_STACK_0_6.
cache=${S6M_CACHE:-$PWD/.cache}
build=../shared/tools/skarnet/build.sh
[ -f "$build" ] || { echo "test-all.sh: $build not found: the s6-rc stacks cannot be built" >&2; exit 1; }
build="$(cd "$(dirname "$build")" && pwd)/build.sh"
for v in 0.5 0.6; do
  bin=$(bash "$build" "$v" "$cache/s6rc-$v" | tail -1)
  [ -x "$bin/s6-rc-compile" ] || { echo "test-all.sh: building s6-rc stack $v failed" >&2; exit 1; }
  export "S6M_STACK_${v/./_}=$bin"
done

npx tsc --noEmit
npm run build --silent
npx vitest run "$@"

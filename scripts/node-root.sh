#!/usr/bin/env bash
# Debian with Debian's own `nodejs`, for the Node 18 test (test/host/debian-node.test.ts): a
# debootstrapped minbase with `apt-get install nodejs` (no npm: a server gets the single-file build copied
# in, nothing else).
#   bookworm (Debian 12, Node 18): also two real daemons that ship both an init script and a unit
#            (openssh-server, cron), installed under a policy-rc.d that exits 101, and Debian's s6 and
#            execline (the test binds the s6-rc 0.5 stack built against them in when it wants s6-rc);
#   bullseye (Debian 11, Node 12): nodejs only, the too-old Node the build must refuse in one line.
#
#   scripts/node-root.sh bookworm|bullseye    prints the path of the root directory, building it if needed
#
# Cached under ${S6M_CACHE:-.cache}/node/ as a directory, keyed by a hash of this file: no tarball to
# unpack at every run, the test mounts it read-only and binds its own writable directories over it. Its
# own debootstrap rather than host-root.sh's base: that script deletes every tarball of another recipe in
# its directory, so sharing it would rebuild this root whenever the boot test's recipe changes. Needs
# root, debootstrap, unshare and the Debian archive the first time.
set -euo pipefail

suite=${1:?usage: node-root.sh bookworm|bullseye}
case $suite in
  bookworm) node_major=18; daemons=(openssh-server cron s6 execline) ;;
  bullseye) node_major=12; daemons=() ;;
  *) echo "node-root.sh: unknown suite '$suite' (bookworm or bullseye)" >&2; exit 2 ;;
esac
mirror=http://deb.debian.org/debian

here=$(cd "$(dirname "$0")" && pwd)
key=$(sha256sum "$here/node-root.sh" | cut -c1-12)
cache=${S6M_CACHE:-$here/../.cache}/node
mkdir -p "$cache"
out=$cache/root-$suite-$key
if [ -d "$out" ]; then echo "$out"; exit 0; fi

# One builder at a time (parallel test workers): the second waits, then finds the tarball.
exec 9>"$cache/.lock"
flock 9
if [ -d "$out" ]; then echo "$out"; exit 0; fi
find "$cache" -mindepth 1 -maxdepth 1 \( -name "root-$suite-*" -o -name 'root-????????????' -o -name 'build.*' -o -name '*.tar' \) \
  ! -name "root-$suite-$key" -exec rm -rf {} +
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"

# Chrooted in private mount and pid namespaces, as host-root.sh's in_root does (nothing outlives it).
in_root() {
  unshare --mount --pid --fork /bin/sh -c \
    'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
       DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"' "$root" "$@"
}

t0=$(date +%s)
{
  unshare --mount --pid --fork debootstrap --variant=minbase "$suite" "$root" "$mirror" &&
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d" &&
    cp /etc/resolv.conf "$root/etc/resolv.conf" &&
    in_root apt-get -qq -y --no-install-recommends install nodejs "${daemons[@]}"
} >"$work/install.log" 2>&1 || { tail -30 "$work/install.log" >&2; exit 1; }
# Debian's nodejs, not npm: the test asserts the version it runs under.
in_root node --version >"$work/version"
case $(cat "$work/version") in "v$node_major".*) ;; *) echo "node-root: expected Node $node_major, got $(cat "$work/version")" >&2; exit 1 ;; esac
rm -f "$root/etc/resolv.conf" "$root/usr/sbin/policy-rc.d"
# What a run never reads (about 110 MB): apt's caches and lists, translations, documentation.
rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/apt/* "$root"/usr/share/locale/* \
  "$root"/usr/share/doc/* "$root"/usr/share/man/*
# Mount points for the test's writable directories (the root itself is mounted read-only).
mkdir -p "$root/etc/s6-rc" "$root/opt" "$root/tmp"
mv "$root" "$out"
echo "node-root: $suite with nodejs $(cat "$work/version") built in $(($(date +%s) - t0)) s" >&2
echo "$out"

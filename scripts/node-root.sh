#!/usr/bin/env bash
# Debian 12 with Debian's own `nodejs`, for the Node 18 test (test/host/debian-node.test.ts): a
# debootstrapped bookworm (minbase) with `apt-get install nodejs` and two real daemons that ship both an
# init script and a unit (openssh-server, cron), installed under a policy-rc.d that exits 101. No npm: a
# server gets the single-file build copied in, nothing else.
#
#   scripts/node-root.sh    prints the path of the root tarball, building it if needed
#
# Cached under ${S6M_CACHE:-.cache}/node/, keyed by a hash of this file. Its own debootstrap rather than
# host-root.sh's base: that script deletes every tarball of another recipe in its directory, so sharing
# it would rebuild this root whenever the boot test's recipe changes. Needs root, debootstrap, unshare and
# the Debian archive the first time.
set -euo pipefail

mirror=http://deb.debian.org/debian
suite=bookworm
daemons=(openssh-server cron)

here=$(cd "$(dirname "$0")" && pwd)
key=$(sha256sum "$here/node-root.sh" | cut -c1-12)
cache=${S6M_CACHE:-$here/../.cache}/node
mkdir -p "$cache"
out=$cache/node-$key.tar
if [ -f "$out" ]; then echo "$out"; exit 0; fi

# One builder at a time (parallel test workers): the second waits, then finds the tarball.
exec 9>"$cache/.lock"
flock 9
if [ -f "$out" ]; then echo "$out"; exit 0; fi
find "$cache" -maxdepth 1 -name '*.tar' ! -name "*-$key.tar" -delete
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
case $(cat "$work/version") in v18.*) ;; *) echo "node-root: expected Node 18, got $(cat "$work/version")" >&2; exit 1 ;; esac
rm -f "$root/etc/resolv.conf" "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages "$root"/var/log/apt/*

tar --numeric-owner -cf "$out.tmp" -C "$root" .
mv "$out.tmp" "$out"
echo "node-root: nodejs $(cat "$work/version") root built in $(($(date +%s) - t0)) s" >&2
echo "$out"

#!/usr/bin/env bash
# A real Debian host for the boot test (test/host/boot.test.ts): debootstrap a minimal bookworm, then
# derive two variants of the same host from it, one run by sysvinit (scripts and rcN.d links are the
# truth) and one by systemd (units and .wants links are the truth), each with the same real daemons.
#
#   scripts/host-root.sh sysv|systemd   prints the path of that variant's root tarball, building it if needed
#
# Cached under ${S6M_CACHE:-.cache}/host/, keyed by a hash of this file (the recipe): editing the package
# list or any step rebuilds, anything else reuses the tarballs. The archive is downloaded once (the base
# keeps every .deb both variants need); the variants install offline, in a network namespace.
# Needs root, debootstrap and unshare.
set -euo pipefail

variant=${1:?usage: host-root.sh sysv|systemd}
# Each variant's init, as apt installs it with its recommends: sysvinit-core recommends the orphaned
# init scripts (rsyslog's among them) that bookworm's packages no longer ship.
sysv_init=(sysvinit-core orphan-sysvinit-scripts)
systemd_init=(systemd systemd-sysv)
case $variant in
  sysv) init_pkgs=("${sysv_init[@]}") ;;
  systemd) init_pkgs=("${systemd_init[@]}") ;;
  *) echo "host-root.sh: unknown variant '$variant' (sysv or systemd)" >&2; exit 2 ;;
esac

mirror=http://deb.debian.org/debian
suite=bookworm
# Real daemons that ship both an init script and a unit: SSH, web, syslog, cron, cache, time, message
# bus, database, mail.
daemons=(openssh-server nginx-light rsyslog cron memcached chrony dbus redis-server exim4-daemon-light)
# Not daemons: Debian's s6 and execline (stack 0.5 runs them inside the root), procps for the probes.
tools=(s6 execline procps)

here=$(cd "$(dirname "$0")" && pwd)
key=$(sha256sum "$here/host-root.sh" | cut -c1-12)
cache=${S6M_CACHE:-$here/../.cache}/host
mkdir -p "$cache"
base_tar=$cache/base-$key.tar
out=$cache/$variant-$key.tar
if [ -f "$out" ]; then echo "$out"; exit 0; fi

# One builder at a time (parallel test workers, two variants): the second waits, then finds the tarball.
exec 9>"$cache/.lock"
flock 9
if [ -f "$out" ]; then echo "$out"; exit 0; fi

# Tarballs of another recipe are dead weight (about 340 MB each) once nobody has built them for a day
# (worktrees and checkouts sharing the cache may still use a recent one).
find "$cache" -maxdepth 1 -name '*.tar' ! -name "*-$key.tar" -mmin +1440 -delete
work=$(mktemp -d "$cache/build.XXXXXX")
cleanup() { umount -R "$work/root/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
root=$work/root
mkdir -p "$root"

# Runs a command chrooted in the root, in private mount and pid namespaces (anything it leaves running
# dies with the namespace). Extra unshare flags first, e.g. --net for the offline steps.
in_root() {
  local flags=()
  while [ "${1:-}" != -- ]; do flags+=("$1"); shift; done
  shift
  unshare --mount --pid --fork "${flags[@]}" /bin/sh -c \
    'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
       DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"' "$root" "$@"
}

t0=$(date +%s)
if [ ! -f "$base_tar" ]; then
  echo "host-root: debootstrap $suite (minbase) from $mirror" >&2
  unshare --mount --pid --fork debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # Nothing starts at install time.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  in_root -- apt-get -qq update
  # Download (not install) every package of both variants, so the variants build offline.
  for init in "${sysv_init[*]}" "${systemd_init[*]}"; do
    # shellcheck disable=SC2086 # $init is a list of package names
    in_root -- apt-get -qq -y --no-install-recommends --download-only install $init "${daemons[@]}" "${tools[@]}"
  done
  rm -f "$root/etc/resolv.conf"
  tar --numeric-owner -cf "$base_tar.tmp" -C "$root" .
  mv "$base_tar.tmp" "$base_tar"
  echo "host-root: base built in $(($(date +%s) - t0)) s" >&2
else
  tar --numeric-owner -xf "$base_tar" -C "$root"
fi

echo "host-root: installing the $variant variant" >&2
t1=$(date +%s)
in_root --net -- apt-get -qq -y --no-install-recommends install "${init_pkgs[@]}" "${daemons[@]}" "${tools[@]}" \
  >"$work/install.log" 2>&1 || { tail -30 "$work/install.log" >&2; exit 1; }
# The variant's init is the one it says.
case $variant in
  sysv) [ -f "$root/sbin/init" ] && [ ! -L "$root/sbin/init" ] && [ ! -e "$root/lib/systemd/systemd" ] ;;
  systemd) [ "$(readlink "$root/sbin/init")" = /lib/systemd/systemd ] ;;
esac || { echo "host-root: /sbin/init of the $variant variant is $(readlink "$root/sbin/init")" >&2; exit 1; }

# The host's own configuration, as an admin would leave it:
# chrony keeps its packaged options and -x: inside the test's namespaces it must never steer the
# machine's clock (namespaces do not isolate time).
sed -i 's/^DAEMON_OPTS=.*/DAEMON_OPTS="-F 1 -x"/' "$root/etc/default/chrony"
grep -q '^DAEMON_OPTS="-F 1 -x"$' "$root/etc/default/chrony"
# A cron job the probe can see run (no '%' in it: cron reads that as a newline).
echo '* * * * * root touch /var/tmp/s6m-cron-ran' >"$root/etc/cron.d/s6m-probe"
# The host boots without the install-time policy; apt's downloads are not part of it.
rm -f "$root/usr/sbin/policy-rc.d"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages "$root"/var/log/apt/*

tar --numeric-owner -cf "$out.tmp" -C "$root" .
mv "$out.tmp" "$out"
echo "host-root: $variant variant installed in $(($(date +%s) - t1)) s" >&2
echo "$out"

#!/bin/bash
# The first process of a booted test host (test/host/boot.test.ts), run by
#   unshare --pid --fork --mount --net --uts --ipc --propagation private boot-ns.sh MNT TARBALL STACK_BIN CLI
# It lays the host's root out on a tmpfs at MNT, gives it what a booting kernel and init would (/proc,
# a read-only /sys and /proc/sys, a private /dev and /run, loopback), makes node, the built CLI and the
# s6-rc stack reachable inside, then becomes the host's pid 1: s6-svscan on /run/service, chrooted.
# Everything it mounts lives in its private mount namespace and goes when the namespace's last process does.
set -euo pipefail
mnt=$1 tarball=$2 stack_bin=$3 cli=$4

mount -t tmpfs -o mode=0755,size=3g host-root "$mnt"
tar --numeric-owner -xpf "$tarball" -C "$mnt"

mount -t proc proc "$mnt/proc"
# Namespaces do not isolate the kernel's global settings: the host's boot scripts (procps, hwclock)
# may read but not change them.
mount --bind "$mnt/proc/sys" "$mnt/proc/sys" && mount -o remount,bind,ro "$mnt/proc/sys"
mount -t sysfs -o ro sysfs "$mnt/sys"

# A private /dev (not the machine's: rsyslog makes /dev/log there).
mount -t tmpfs -o mode=0755,size=1m dev "$mnt/dev"
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<<"$n"
  mknod -m 0666 "$mnt/dev/$name" c "$major" "$minor"
done
mkdir -p "$mnt/dev/pts" "$mnt/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$mnt/dev/pts"
ln -s pts/ptmx "$mnt/dev/ptmx"
mount -t tmpfs -o mode=1777 shm "$mnt/dev/shm"
ln -s /proc/self/fd "$mnt/dev/fd"
ln -s /proc/self/fd/0 "$mnt/dev/stdin"; ln -s /proc/self/fd/1 "$mnt/dev/stdout"; ln -s /proc/self/fd/2 "$mnt/dev/stderr"

mount -t tmpfs -o mode=0755,size=64m run "$mnt/run"
mkdir -p "$mnt/run/service" "$mnt/run/lock"

ip link set lo up
hostname s6m-host

# node and the single-file CLI, as an admin would install them; the stack's prefix at its own absolute
# path (stack 0.6 is built with absolute paths; stack 0.5 links Debian's s6 libraries inside the root).
touch "$mnt/usr/local/bin/node"
mount --bind -o ro "$(command -v node)" "$mnt/usr/local/bin/node"
install -m 0644 "$cli" "$mnt/usr/local/lib/s6migrate.cjs"
printf '#!/bin/sh\nexec /usr/local/bin/node /usr/local/lib/s6migrate.cjs "$@"\n' >"$mnt/usr/local/bin/s6migrate"
chmod 0755 "$mnt/usr/local/bin/s6migrate"
prefix=$(dirname "$stack_bin")
mkdir -p "$mnt$prefix"
mount --bind -o ro "$prefix" "$mnt$prefix"

cd "$mnt"
exec chroot "$mnt" /usr/bin/env -i PATH="$stack_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  s6-svscan /run/service

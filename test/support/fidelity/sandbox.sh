#!/bin/bash
# One start path in a throwaway root, run as PID 1 of `unshare --mount --pid --fork --propagation private`.
# The root is an overlay: a fresh tmpfs on top of the package as installed (its ELF programs replaced by
# the recorder, see package.sh) on top of this machine's /, with fresh /run and /tmp, so each run starts
# from the same disk and nothing it writes survives it.
#   sandbox.sh SPEC   SPEC/pkgroot   the unpacked package layer (optional)
#                     SPEC/files/    extra files copied over the root (servicedir, emulator specs)
#                     SPEC/passwd SPEC/group   lines appended to the root's account files
#                     SPEC/programs  more absolute paths where the recorder stands
#                     SPEC/mode      the recorder's mode; SPEC/kind: "script" or "supervise"
#                     SPEC/cmd       the command (script kind: run by /bin/sh -c; supervise: the servicedir)
#                     SPEC/env       the starting environment, one NAME=VALUE a line
#                     SPEC/layers    more installed layers over the package (optional)
# Records land in SPEC/out/, the command's output in SPEC/out/log.
set -u
spec=$1
# Inside SPEC, which the caller removes: nothing is left behind on the machine.
base="$spec/mnt"
mkdir -p "$base"
mount -t tmpfs -o mode=0755 tmpfs "$base" || exit 90
mkdir "$base/u" "$base/w" "$base/root"
lower=/
# A layer cannot live inside another one (overlayfs refuses overlapping layers): copy it to the tmpfs.
if [ -d "$spec/pkgroot" ]; then
  mkdir "$base/pkg" && cp -a "$spec/pkgroot/." "$base/pkg/" && lower="$base/pkg:/"
fi
# More installed layers (OpenRC as installed), one directory a line, above the package: the openrc
# package's own programs must stay real when it is the package judged.
if [ -f "$spec/layers" ]; then
  i=0
  while IFS= read -r l; do
    [ -n "$l" ] || continue
    i=$((i+1)); mkdir "$base/layer$i" && cp -a "$l/." "$base/layer$i/" && lower="$base/layer$i:$lower"
  done < "$spec/layers"
fi
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$base/u,workdir=$base/w" "$base/root" || exit 91
r=$base/root
mount -t proc proc "$r/proc"
mount --rbind /dev "$r/dev"
mount -t tmpfs -o mode=0755 tmpfs "$r/run"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
[ -d "$spec/files" ] && cp -a "$spec/files/." "$r/"
[ -f "$spec/passwd" ] && cat "$spec/passwd" >> "$r/etc/passwd"
[ -f "$spec/group" ] && cat "$spec/group" >> "$r/etc/group"
if [ -f "$spec/programs" ]; then
  while IFS= read -r p; do
    [ -n "$p" ] || continue
    mkdir -p "$r${p%/*}" && rm -f "$r$p" && cp "$spec/recorder" "$r$p" && chmod 0755 "$r$p"
  done < "$spec/programs"
fi
mkdir -p "$r/.s6m-rec" "$r/.s6m-upper"
chmod 1777 "$r/.s6m-rec"   # the daemon may run as any account
cp "$spec/mode" "$r/.s6m-rec/mode"
printf '/run\n/tmp\n/.s6m-upper\n' > "$r/.s6m-rec/roots"
mount --bind "$base/u" "$r/.s6m-upper" && mount -o remount,bind,ro "$r/.s6m-upper"
mkdir -p "$spec/out"
mapfile -t envv < "$spec/env"
cmd=$(cat "$spec/cmd")
kind=$(cat "$spec/kind")
records() { ls "$r/.s6m-rec" | grep -c '^rec-'; }
if [ "$kind" = script ]; then
  timeout -k 1 20 chroot "$r" /usr/bin/env -i "${envv[@]}" /bin/sh -c "cd / && $cmd" > "$spec/out/log" 2>&1 < /dev/null
  echo "exit $?" > "$spec/out/status"
  # A daemon started with --background may not have recorded yet: wait (up to 2 s) for a first record,
  # then until no record is being written and the count holds for 0.3 s.
  for _ in $(seq 20); do [ "$(records)" -gt 0 ] && break; sleep 0.1; done
  last=-1
  for _ in $(seq 20); do
    n=$(records)
    [ "$n" = "$last" ] && [ -z "$(ls "$r/.s6m-rec" | grep '^\.tmp-')" ] && break
    last=$n
    sleep 0.3
  done
else
  chroot "$r" /usr/bin/env -i "${envv[@]}" s6-supervise "$cmd" > "$spec/out/log" 2>&1 < /dev/null &
  sup=$!
  # Wait for the supervised daemon (parent s6-supervise) or give up after about 4 seconds.
  for _ in $(seq 40); do
    grep -lq '"parent":"s6-supervise"' "$r"/.s6m-rec/rec-* 2>/dev/null && break
    sleep 0.1
  done
  chroot "$r" /usr/bin/env -i "${envv[@]}" s6-svstat "$cmd" > "$spec/out/status" 2>&1
  chroot "$r" /usr/bin/env -i "${envv[@]}" s6-svc -dx "$cmd" >/dev/null 2>&1
  for _ in $(seq 20); do kill -0 "$sup" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$sup" 2>/dev/null
fi
cp "$r"/.s6m-rec/rec-* "$spec/out/" 2>/dev/null
exit 0

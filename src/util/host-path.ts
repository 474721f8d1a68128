/**
 * Paths on the converted system vs. paths on disk. With `--root DIR` (a mounted image or a chroot) the
 * tool reads `DIR/etc/init.d/ssh` but everything it writes names `/etc/init.d/ssh`.
 */
import { resolve, relative, isAbsolute, sep } from 'node:path';

/** Path on disk of a path on the converted system. */
export function onDisk(root: string, systemPath: string): string {
  return resolve(root, '.' + (systemPath.startsWith('/') ? systemPath : '/' + systemPath));
}

/**
 * A path recorded at convert time (under `root` as the user spelled it) as the converted system names
 * it: the textual prefix is removed, so it works from any directory, on the converted system itself.
 */
export function stripRoot(root: string, recorded: string): string {
  if (recorded === root) return '/';
  return recorded.startsWith(root + '/') ? recorded.slice(root.length) : recorded;
}

/**
 * Path on the converted system of a file read on disk: relative to root when inside it, else the file's
 * absolute path (a PATH given outside --root is taken as it stands).
 */
export function onSystem(root: string, diskPath: string): string {
  const abs = resolve(diskPath);
  const rel = relative(resolve(root), abs);
  if (rel === '' ) return '/';
  if (rel.startsWith('..') || isAbsolute(rel)) return abs;
  return '/' + rel.split(sep).join('/');
}

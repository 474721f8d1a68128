/**
 * Questions about a path that must never throw: a missing, dangling or unreadable path is simply "no"
 * (callers that must say why read the file through source-file.ts, which reports it).
 */
import { lstatSync, statSync } from 'node:fs';

/** A directory, through symlinks (a linked /etc/runlevels or unit directory counts). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A regular file, through symlinks. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The path itself is there (a dangling symlink counts: lstat, not stat). */
export function pathExists(path: string): boolean {
  return lstatOrUndefined(path) !== undefined;
}

export function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

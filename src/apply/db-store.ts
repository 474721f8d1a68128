/**
 * The compiled databases under COMPILED_ROOT (reference §5.5, the FAQ's safe switch):
 *   COMPILED_ROOT/compiled-<UTC stamp>-<source hash>/   immutable databases, never recompiled in place
 *   COMPILED_ROOT/sources/<same name>/                  the source tree each one was compiled from
 *   COMPILED_ROOT/current -> compiled-...               what s6-rc-init boots (`-c COMPILED_ROOT/current`)
 * Names sort chronologically in byte order, so "previous" and "newest" need no other bookkeeping.
 */
import { readdirSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { cmp } from '../model/diagnostic.js';
import { lstatOrUndefined, pathExists } from '../util/fs-probe.js';

export const DB_PREFIX = 'compiled-';
export const CURRENT_LINK = 'current';
export const SOURCES_DIR = 'sources';
/** compiled-20250301T120000.123Z-1a2b3c4d: fixed width, so byte order is time order. */
const DB_NAME = /^compiled-\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}$/;

export function isDbName(name: string): boolean {
  return DB_NAME.test(name);
}

export function dbName(when: Date, sourceHash: string): string {
  const stamp = when.toISOString().replace(/[-:]/g, ''); // 20250301T120000.123Z
  return `${DB_PREFIX}${stamp}-${sourceHash.slice(0, 8)}`;
}

/** A name under ROOT that neither a database nor a source copy uses yet (s6-rc-compile wants a new DEST). */
export function uniqueDbName(root: string, when: Date, sourceHash: string): string {
  let t = when.getTime();
  for (;;) {
    const name = dbName(new Date(t), sourceHash);
    if (!pathExists(join(root, name)) && !pathExists(join(root, SOURCES_DIR, name))) return name;
    t += 1; // same millisecond and same source: the next millisecond keeps the order
  }
}

/** Our databases under ROOT, oldest first. Symlinks and foreign names are never ours to touch. */
export function listDatabases(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.filter((n) => isDbName(n) && lstatOrUndefined(join(root, n))?.isDirectory()).sort(cmp);
}

/** Real path of the database `current` points at, or undefined (absent or dangling). */
export function currentTarget(root: string): string | undefined {
  return realpathSafe(join(root, CURRENT_LINK));
}

/** `current` must be a symlink or absent: renaming over a real directory would fail half way. */
export function currentIsReplaceable(root: string): boolean {
  const st = lstatOrUndefined(join(root, CURRENT_LINK));
  return st === undefined || st.isSymbolicLink();
}

/** Real path of the database the live state runs (`LIVE/compiled`, reference §5.1), or undefined. */
export function liveDatabase(live: string): string | undefined {
  return realpathSafe(join(live, 'compiled'));
}

/** The name of one of our databases under ROOT if PATH (a real path) is one, else undefined. */
export function ownDbName(root: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const realRoot = realpathSafe(root);
  return realRoot !== undefined && dirname(path) === realRoot && isDbName(basename(path)) ? basename(path) : undefined;
}

/**
 * Re-points ROOT/current at NAME atomically: a new symlink under a temporary name, then rename(2) over
 * `current`, so `current` always exists and names either the old or the new database (never `ln -sf`,
 * which unlinks first; reference §5.5 step 4). The target is relative so ROOT can be moved as a whole.
 */
export function swapCurrent(root: string, name: string): void {
  const tmp = join(root, `${CURRENT_LINK}.tmp-${randomBytes(4).toString('hex')}`);
  symlinkSync(name, tmp);
  try {
    renameSync(tmp, join(root, CURRENT_LINK));
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

/**
 * Which databases to delete: everything but the newest KEEP, and never a protected one (the live
 * database, the one `current` names). Pure, so the rules are tested without a disk.
 */
export function planPrune(databases: readonly string[], keep: number, protectedNames: ReadonlySet<string>): string[] {
  const sorted = [...databases].sort(cmp);
  const kept = new Set(sorted.slice(Math.max(0, sorted.length - Math.max(keep, 1))));
  return sorted.filter((n) => !kept.has(n) && !protectedNames.has(n));
}

/** Deletes databases (and their source copies). Only names that look like ours are ever removed. */
export function removeDatabases(root: string, names: readonly string[]): void {
  for (const n of names) {
    if (!isDbName(n)) continue;
    rmSync(join(root, SOURCES_DIR, n), { recursive: true, force: true });
    rmSync(join(root, n), { recursive: true, force: true });
  }
}


function realpathSafe(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

export function readLinkSafe(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

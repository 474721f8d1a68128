/**
 * Where systemd finds units (systemd.unit(5) "UNIT FILE LOAD PATH", system manager) and what it reads
 * for one: the first directory holding the name wins; a link to /dev/null (or an empty file) masks;
 * a link to another name is an alias; drop-ins `NAME.d/*.conf` come from every directory.
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { cmp } from '../../src/model/diagnostic.js';
import { onDisk } from '../../src/util/host-path.js';
import { parseUnitName, type UnitName } from './specifiers.js';

// systemd.unit(5), system unit search path, highest priority first. /usr/local/lib is in upstream's
// list; /lib/systemd/system is where Debian installs units (before merged /usr).
export const UNIT_DIRS = [
  '/etc/systemd/system', // local configuration, `systemctl enable` links
  '/run/systemd/system', // runtime units
  '/usr/local/lib/systemd/system', // locally installed packages
  '/lib/systemd/system', // Debian packages (non-merged /usr)
  '/usr/lib/systemd/system', // distribution packages
] as const;

/** Unit search path on disk: `extraDir` (a file's own directory outside the standard ones) first. */
export function searchPath(root: string, extraDir?: string): string[] {
  const dirs = UNIT_DIRS.map((d) => onDisk(root, d));
  // A link inside `X.wants/` or a drop-in directory names a unit; that directory is not a unit directory.
  if (extraDir !== undefined && !/\.(wants|requires|d)$/.test(extraDir)) {
    const abs = resolve(extraDir);
    if (!dirs.includes(abs)) dirs.unshift(abs);
  }
  // A merged /usr makes /lib a link to /usr/lib: read each real directory once, at its first place.
  const seen = new Set<string>();
  return dirs.filter((d) => {
    const real = realDir(d);
    if (real === undefined || seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function realDir(d: string): string | undefined {
  try {
    const st = statSync(d);
    return st.isDirectory() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Directory listings for one import: looking a unit up in five directories, and its drop-in directories
 * in each, would otherwise cost a failed lstat/readdir per place per unit. A directory that cannot be
 * listed answers "maybe" and the caller looks on disk as before.
 */
export class DirListings {
  private readonly listings = new Map<string, ReadonlySet<string> | null>();

  /** False only when `dir` was listed and has no entry `name`. */
  mayHave(dir: string, name: string): boolean {
    let l = this.listings.get(dir);
    if (l === undefined) {
      try {
        l = new Set(readdirSync(dir));
      } catch {
        l = null;
      }
      this.listings.set(dir, l);
    }
    return l === null || name.includes('/') || l.has(name);
  }
}

export type UnitEntry =
  | { kind: 'file'; path: string; dir: string }
  | { kind: 'masked'; path: string; dir: string; how: string }
  | { kind: 'alias'; path: string; dir: string; target: string };

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** What `dir/name` is to systemd, or undefined when the directory has no such entry. */
export function lookupEntry(root: string, dir: string, name: string, listings?: DirListings): UnitEntry | undefined {
  if (listings && !listings.mayHave(dir, name)) return undefined;
  const path = join(dir, name);
  let current = path;
  for (let hops = 0; hops < 16; hops++) {
    const st = lstatOrUndefined(current);
    if (!st) return undefined;
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = readlinkSync(current);
      } catch {
        return undefined;
      }
      if (target === '/dev/null') return { kind: 'masked', path, dir, how: 'linked to /dev/null' };
      const targetName = basename(target);
      // A link to another unit name is an alias (systemctl enable of Alias=, Debian's compat names).
      const next = target.startsWith('/') ? onDisk(root, target) : resolve(dirname(current), target);
      // A link to another unit name is an alias (systemctl enable of Alias=, Debian's compat names), but
      // not a loop: that is a broken file, reported as such (a dangling alias names a unit found elsewhere).
      if (targetName !== name) return isLinkLoop(root, next) ? undefined : { kind: 'alias', path, dir, target: targetName };
      current = next;
      continue;
    }
    if (!st.isFile()) return undefined;
    if (st.size === 0) return { kind: 'masked', path, dir, how: 'an empty file' };
    return { kind: 'file', path: current, dir };
  }
  return undefined;
}

/** Follows a link chain inside the host root: does it go round for ever (as the kernel's ELOOP)? */
function isLinkLoop(root: string, start: string): boolean {
  let current = start;
  for (let hops = 0; hops < 40; hops++) {
    const st = lstatOrUndefined(current);
    if (!st?.isSymbolicLink()) return false;
    let target: string;
    try {
      target = readlinkSync(current);
    } catch {
      return false;
    }
    current = target.startsWith('/') ? onDisk(root, target) : resolve(dirname(current), target);
  }
  return true;
}

/** First entry for `name` along the search path. */
export function findUnit(root: string, dirs: readonly string[], name: string, listings?: DirListings): UnitEntry | undefined {
  for (const d of dirs) {
    const e = lookupEntry(root, d, name, listings);
    if (e) return e;
  }
  return undefined;
}

/**
 * Drop-in directory names for a unit, most specific first (systemd.unit(5)): `foo-bar@baz.service.d`,
 * the template's `foo-bar@.service.d`, the prefixes `foo-bar-.service.d`, `foo-.service.d`, then the
 * type-wide `service.d`.
 */
export function dropInDirNames(u: UnitName): string[] {
  const names = [`${u.name}.d`];
  if (u.instance !== undefined && u.instance !== '') names.push(`${u.prefix}@.${u.type}.d`);
  const parts = u.prefix.split('-');
  for (let n = parts.length - 1; n >= 1; n--) names.push(`${parts.slice(0, n).join('-')}-.${u.type}.d`);
  names.push(`${u.type}.d`);
  return names;
}

/**
 * Drop-in files to apply, in application order: sorted by file name; for one file name the copy in the
 * higher-priority directory wins, then the more specific drop-in directory (systemd's conf_files order).
 */
export function findDropIns(dirs: readonly string[], u: UnitName, listings?: DirListings): string[] {
  const names = dropInDirNames(u);
  const winners = new Map<string, string>();
  for (const dir of dirs) {
    for (const dname of names) {
      if (listings && !listings.mayHave(dir, dname)) continue;
      const ddir = join(dir, dname);
      let files: string[];
      try {
        files = readdirSync(ddir);
      } catch {
        continue;
      }
      for (const f of files) {
        if (!f.endsWith('.conf') || winners.has(f)) continue;
        const p = join(ddir, f);
        const st = lstatOrUndefined(p);
        if (!st) continue;
        // A drop-in linked to /dev/null hides the same-named drop-in of lower priority.
        if (st.isSymbolicLink() && safeReadlink(p) === '/dev/null') {
          winners.set(f, '');
          continue;
        }
        winners.set(f, p);
      }
    }
  }
  return [...winners.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, p]) => p).filter((p) => p !== '');
}

function safeReadlink(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

/** A `X.wants/U` or `X.requires/U` link: X pulls U in. */
export interface PullLink {
  owner: string;
  kind: 'wants' | 'requires';
  unit: string;
  /** Path of the link on disk. */
  path: string;
}

/** Every `.wants/` and `.requires/` link in the unit directories, sorted by path. */
export function findPullLinks(dirs: readonly string[]): PullLink[] {
  const out: PullLink[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = /^(.+)\.(wants|requires)$/.exec(e);
      if (!m) continue;
      let units: string[];
      try {
        units = readdirSync(join(dir, e));
      } catch {
        continue;
      }
      for (const u of units) {
        if (parseUnitName(u) === undefined) continue;
        out.push({ owner: m[1]!, kind: m[2] as 'wants' | 'requires', unit: u, path: join(dir, e, u) });
      }
    }
  }
  return out.sort((a, b) => cmp(a.path, b.path));
}

/** The unit `default.target` links to, with the link's path. */
export function findDefaultTarget(root: string, dirs: readonly string[]): { target: string; path: string } | undefined {
  const e = findUnit(root, dirs, 'default.target');
  if (e?.kind === 'alias') return { target: e.target, path: e.path };
  return undefined;
}

/** Links in the unit directories that give a unit another name: target unit -> alias names. */
export function findAliasLinks(dirs: readonly string[]): Map<string, { name: string; path: string }[]> {
  const out = new Map<string, { name: string; path: string }[]>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort(cmp);
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(dir, e);
      const st = lstatOrUndefined(p);
      if (!st?.isSymbolicLink() || parseUnitName(e) === undefined) continue;
      const target = safeReadlink(p);
      if (target === undefined || target === '/dev/null') continue;
      const t = basename(target);
      if (t === e || parseUnitName(t) === undefined) continue;
      const list = out.get(t) ?? [];
      if (!list.some((a) => a.name === e)) list.push({ name: e, path: p });
      out.set(t, list);
    }
  }
  return out;
}

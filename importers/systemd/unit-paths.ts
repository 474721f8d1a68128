/**
 * Where systemd finds units (systemd.unit(5) "UNIT FILE LOAD PATH", system manager) and what it reads
 * for one: the first directory holding the name wins; a link to /dev/null (or an empty file) masks;
 * a link to another name is an alias; drop-ins `NAME.d/*.conf` come from every directory.
 */
import { lstatSync, readdirSync, readlinkSync, statSync, type Dirent } from 'node:fs';
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

/** What a directory entry is, from readdir's d_type (no stat): systemd only cares about these. */
export type EntryType = 'file' | 'link' | 'dir' | 'other';

function entryType(d: Dirent): EntryType {
  return d.isFile() ? 'file' : d.isSymbolicLink() ? 'link' : d.isDirectory() ? 'dir' : 'other';
}

/**
 * Directory listings and unit lookups for one import. Each directory is listed once with its entry
 * types, so looking a unit up in five directories (and its drop-in directories in each) costs no
 * failed lstat, and a link is only read when the listing says it is one. A directory that cannot be
 * listed answers "maybe" and the caller looks on disk as before.
 */
export class DirListings {
  private readonly listings = new Map<string, ReadonlyMap<string, EntryType> | null>();
  /** `dir\0name` -> lookupEntry's answer, since the same unit is looked up several times. */
  readonly entries = new Map<string, UnitEntry | undefined>();

  /** Entry name -> type, in readdir order; null when `dir` cannot be listed. */
  list(dir: string): ReadonlyMap<string, EntryType> | null {
    let l = this.listings.get(dir);
    if (l === undefined) {
      try {
        const m = new Map<string, EntryType>();
        for (const d of readdirSync(dir, { withFileTypes: true })) m.set(d.name, entryType(d));
        l = m;
      } catch {
        l = null;
      }
      this.listings.set(dir, l);
    }
    return l;
  }

  /** The type of `dir/name` if the listing knows it, null if `dir` has no such entry, undefined when unknown. */
  typeOf(dir: string, name: string): EntryType | null | undefined {
    const l = this.list(dir);
    if (l === null || name.includes('/')) return undefined;
    return l.get(name) ?? null;
  }

  private readonly dropInHolders = new Map<string, boolean>();

  /** False only when `dir` was listed and has no `*.d` entry, as most unit directories (no drop-in to look for). */
  mayHaveDropIns(dir: string): boolean {
    let has = this.dropInHolders.get(dir);
    if (has === undefined) {
      const l = this.list(dir);
      has = l === null || [...l.keys()].some((n) => n.endsWith('.d'));
      this.dropInHolders.set(dir, has);
    }
    return has;
  }

  /** False only when `dir` was listed and has no entry `name`. */
  mayHave(dir: string, name: string): boolean {
    return this.typeOf(dir, name) !== null;
  }
}

export type UnitEntry =
  /** `sizeUnknown`: the listing said "regular file" without an lstat; an empty file masks, which the caller checks (emptyFileMasks). */
  | { kind: 'file'; path: string; dir: string; sizeUnknown?: true }
  | { kind: 'masked'; path: string; dir: string; how: string }
  | { kind: 'alias'; path: string; dir: string; target: string };

/** The entry's lstat, or undefined when there is none or it cannot be looked at (a name too long, a file in the path). */
function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** What `dir/name` is to systemd, or undefined when the directory has no such entry. */
export function lookupEntry(root: string, dir: string, name: string, listings?: DirListings): UnitEntry | undefined {
  if (!listings) return readEntry(root, dir, name, undefined);
  const key = `${dir}\0${name}`;
  if (listings.entries.has(key)) return listings.entries.get(key);
  const type = listings.typeOf(dir, name);
  const e = type === null ? undefined : readEntry(root, dir, name, type);
  listings.entries.set(key, e);
  return e;
}

/** lookupEntry on disk; `firstType` is the entry's type when a listing told it (a regular file still needs its size). */
function readEntry(root: string, dir: string, name: string, firstType: EntryType | undefined): UnitEntry | undefined {
  const path = join(dir, name);
  let current = path;
  for (let hops = 0; hops < 16; hops++) {
    let isLink: boolean;
    let size = -1;
    if (hops === 0 && firstType === 'link') isLink = true;
    else if (hops === 0 && firstType === 'file') return { kind: 'file', path, dir, sizeUnknown: true };
    else if (hops === 0 && (firstType === 'dir' || firstType === 'other')) return undefined;
    else {
      const st = lstatOrUndefined(current);
      if (!st) return undefined;
      isLink = st.isSymbolicLink();
      if (!isLink && !st.isFile()) return undefined;
      size = st.size;
    }
    if (isLink) {
      let target: string;
      try {
        target = readlinkSync(current);
      } catch {
        return undefined;
      }
      if (target === '/dev/null') return { kind: 'masked', path, dir, how: 'linked to /dev/null' };
      const targetName = basename(target);
      const next = target.startsWith('/') ? onDisk(root, target) : resolve(dirname(current), target);
      // A link to another unit name is an alias (systemctl enable of Alias=, Debian's compat names), but
      // not a loop: that is a broken file, reported as such (a dangling alias names a unit found elsewhere).
      if (targetName !== name) return isLinkLoop(root, next) ? undefined : { kind: 'alias', path, dir, target: targetName };
      current = next;
      continue;
    }
    if (size === 0) return { kind: 'masked', path, dir, how: 'an empty file' };
    return { kind: 'file', path: current, dir };
  }
  return undefined;
}
/**
 * The entry, or the masked entry an empty file is (systemd.unit(5)). For a file whose size the listing
 * did not tell, `text` (the file read through readSourceFile, needed anyway to load the unit) answers;
 * an lstat only when it cannot (unreadable, or empty text from a file that only holds a byte-order mark).
 */
export function withEmptyFileMasked(entry: UnitEntry, read: () => string | undefined): UnitEntry {
  if (entry.kind !== 'file' || !entry.sizeUnknown) return entry;
  const text = read();
  if (text !== undefined && text !== '') return entry;
  return lstatOrUndefined(entry.path)?.size === 0 ? { kind: 'masked', path: entry.path, dir: entry.dir, how: 'an empty file' } : entry;
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
export function findDropIns(dirs: readonly string[], u: UnitName, listings = new DirListings()): string[] {
  if (!dirs.some((d) => listings.mayHaveDropIns(d))) return [];
  const names = dropInDirNames(u);
  const winners = new Map<string, string>();
  for (const dir of dirs) {
    for (const dname of names) {
      if (!listings.mayHave(dir, dname)) continue;
      const ddir = join(dir, dname);
      const files = listings.list(ddir);
      if (files === null) continue;
      for (const [f, type] of files) {
        if (!f.endsWith('.conf') || winners.has(f)) continue;
        const p = join(ddir, f);
        // A drop-in linked to /dev/null hides the same-named drop-in of lower priority.
        if (type === 'link' && safeReadlink(p) === '/dev/null') {
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
export function findPullLinks(dirs: readonly string[], listings = new DirListings()): PullLink[] {
  const out: PullLink[] = [];
  for (const dir of dirs) {
    const entries = listings.list(dir);
    if (entries === null) continue;
    for (const e of entries.keys()) {
      const m = /^(.+)\.(wants|requires)$/.exec(e);
      if (!m) continue;
      const units = listings.list(join(dir, e));
      if (units === null) continue;
      for (const u of units.keys()) {
        if (parseUnitName(u) === undefined) continue;
        out.push({ owner: m[1]!, kind: m[2] as 'wants' | 'requires', unit: u, path: join(dir, e, u) });
      }
    }
  }
  return out.sort((a, b) => cmp(a.path, b.path));
}

/** The unit `default.target` links to, with the link's path. */
export function findDefaultTarget(root: string, dirs: readonly string[], listings?: DirListings): { target: string; path: string } | undefined {
  const e = findUnit(root, dirs, 'default.target', listings);
  if (e?.kind === 'alias') return { target: e.target, path: e.path };
  return undefined;
}

/** Links in the unit directories that give a unit another name: target unit -> alias names. */
export function findAliasLinks(dirs: readonly string[], listings = new DirListings()): Map<string, { name: string; path: string }[]> {
  const out = new Map<string, { name: string; path: string }[]>();
  for (const dir of dirs) {
    const listing = listings.list(dir);
    if (listing === null) continue;
    // Only links matter; the listing's entry types say which entries are links without an lstat each.
    const links: string[] = [];
    for (const [e, type] of listing) if (type === 'link') links.push(e);
    for (const e of links.sort(cmp)) {
      if (parseUnitName(e) === undefined) continue;
      const p = join(dir, e);
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

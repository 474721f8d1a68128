/**
 * Byte-exact, read-only file access for the validator. s6-rc-compile reads its files as raw bytes (NUL,
 * non-UTF-8, size limits matter to the verdict), so `readSourceFile` (which refuses NUL and non-UTF-8)
 * cannot be used here. Paths are carried as latin1 strings: one char per byte, so names compare in byte
 * order like strcmp and any byte survives the round trip to the file system.
 */
import { openSync, readSync, closeSync, statSync, readdirSync, constants } from 'node:fs';

/** A path as bytes-in-a-string (latin1). */
export type BytePath = string;

export const toBytePath = (p: string): BytePath => Buffer.from(p, 'utf8').toString('latin1');
export const display = (p: BytePath): string => Buffer.from(p, 'latin1').toString('utf8');
/** What fs calls take: an ASCII path as it is (its UTF-8 bytes are the same), others as their bytes. */
const NON_ASCII = /[^\x00-\x7f]/;
const fsPath = (p: BytePath): string | Buffer => (NON_ASCII.test(p) ? Buffer.from(p, 'latin1') : p);
export const join = (...parts: BytePath[]): BytePath => parts.join('/');

/** What stat() (following symlinks) says; `missing` covers dangling symlinks (ENOENT). */
export type Kind = 'file' | 'dir' | 'other' | 'missing' | 'error';

const SCRATCH_SIZE = 65536;
const scratch = Buffer.allocUnsafe(SCRATCH_SIZE);

export function kindOf(p: BytePath): Kind {
  try {
    const st = statSync(fsPath(p));
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch (e) {
    return (e as { code?: string }).code === 'ENOENT' || (e as { code?: string }).code === 'ENOTDIR' ? 'missing' : 'error';
  }
}

/**
 * Reads at most `max` bytes (all when undefined). Returns undefined when the file cannot be read
 * (absent, a directory, ...). Never opens anything but regular files, so a FIFO cannot block us.
 * `kind` is what the caller already knows of the path (from a `DirView`), sparing a second stat.
 */
export function readBytes(p: BytePath, max?: number, kind: Kind = kindOf(p)): Buffer | undefined {
  if (kind !== 'file') return undefined;
  let fd: number;
  try {
    fd = openSync(fsPath(p), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = max === undefined ? SCRATCH_SIZE : Math.min(SCRATCH_SIZE, max - total);
      if (want <= 0) break;
      // One scratch buffer for every read, copied out at the size read: definition files are tiny, and a
      // fresh 64 KiB buffer per file was most of the validator's allocation.
      const n = readSync(fd, scratch, 0, want, null);
      if (n === 0) break;
      chunks.push(Buffer.from(scratch.subarray(0, n)));
      total += n;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Directory entry names as byte strings, or undefined when the path cannot be listed. */
export function listDir(p: BytePath): BytePath[] | undefined {
  try {
    // Names decoded as latin1 by readdir itself: one char per byte, no Buffer per name.
    return readdirSync(fsPath(p), { encoding: 'latin1' });
  } catch {
    return undefined;
  }
}

/**
 * The kinds of the entries of one directory from a single readdir: an entry that is not listed is
 * `missing` (what stat would say: ENOENT), a listed regular file or directory is what its directory
 * entry says. Symlinks (stat follows them), unknown entry types, and a directory that cannot be listed
 * are asked of stat as before. Only for a directory known to be searchable (a file in it was opened),
 * since without search permission stat fails where readdir does not.
 */
export class DirView {
  private readonly entries: Map<string, Kind | 'stat'> | undefined;

  /** `searchable`: false until a stat in the directory succeeded (the source directory itself). */
  constructor(readonly dir: BytePath, private searchable = true) {
    try {
      this.entries = new Map();
      for (const e of readdirSync(fsPath(dir), { encoding: 'latin1', withFileTypes: true })) {
        const k = e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() || !(e.isFIFO() || e.isSocket() || e.isCharacterDevice() || e.isBlockDevice()) ? 'stat' : 'other';
        this.entries.set(e.name, k);
      }
    } catch {
      this.entries = undefined;
    }
  }

  /** Entry names in readdir order, or undefined when the directory cannot be listed. */
  names(): string[] | undefined {
    return this.entries && [...this.entries.keys()];
  }

  /** `kindOf(join(dir, name))` for a plain name (no `/`). */
  kind(name: string): Kind {
    if (this.entries === undefined) return kindOf(join(this.dir, name));
    const k = this.entries.get(name);
    if (k === undefined) return 'missing';
    if (k !== 'stat' && this.searchable) return k;
    const real = kindOf(join(this.dir, name));
    if (real === 'file' || real === 'dir' || real === 'other') this.searchable = true;
    return real;
  }

  /**
   * `readBytes(join(dir, name), max)`. A name listed as a regular file is opened without a stat first,
   * even before the directory is known to be searchable: opening a regular file is harmless, fails
   * exactly where that stat would, and once it succeeds the directory is searchable.
   */
  read(name: string, max?: number): Buffer | undefined {
    if (this.searchable || this.entries?.get(name) !== 'file') return readBytes(join(this.dir, name), max, this.kind(name));
    const bytes = readBytes(join(this.dir, name), max, 'file');
    if (bytes) this.searchable = true;
    return bytes;
  }
}

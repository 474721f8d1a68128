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
const fsPath = (p: BytePath): Buffer => Buffer.from(p, 'latin1');
export const join = (...parts: BytePath[]): BytePath => parts.join('/');

/** What stat() (following symlinks) says; `missing` covers dangling symlinks (ENOENT). */
export type Kind = 'file' | 'dir' | 'other' | 'missing' | 'error';

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
 */
export function readBytes(p: BytePath, max?: number): Buffer | undefined {
  if (kindOf(p) !== 'file') return undefined;
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
      const want = max === undefined ? 65536 : Math.min(65536, max - total);
      if (want <= 0) break;
      const buf = Buffer.alloc(want);
      const n = readSync(fd, buf, 0, want, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Directory entry names as byte strings, or undefined when the path cannot be listed. */
export function listDir(p: BytePath): BytePath[] | undefined {
  try {
    return readdirSync(fsPath(p), { encoding: 'buffer' }).map((b) => b.toString('latin1'));
  } catch {
    return undefined;
  }
}

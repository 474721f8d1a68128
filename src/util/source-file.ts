/**
 * Reading input files safely. Sources are opened read-only and never changed; anything odd about a file
 * (unreadable, a directory, a symlink loop, binary, huge, not UTF-8) becomes one diagnostic and the run
 * goes on. Every importer reads through here.
 */
import { openSync, readSync, closeSync, fstatSync, constants } from 'node:fs';
import { diag, type Diagnostic } from '../model/diagnostic.js';

/** Init scripts and units are small; anything larger is not a service definition. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export type SourceRead = { ok: true; text: string; warning?: Diagnostic } | { ok: false; diagnostic: Diagnostic };

export interface ReadOptions {
  /**
   * Old init scripts are sometimes Latin-1 (an umlaut in a comment). Read such a file byte for char and
   * warn, instead of refusing it and losing the service. Only for scripts, whose words are ASCII in practice.
   */
  latin1Fallback?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readSourceFile(path: string, opts: ReadOptions = {}): SourceRead {
  let fd: number;
  try {
    // O_RDONLY: a reader never gets a handle that could change the source.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fail(path, 'unreadable-file', `cannot open: ${errText(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return fail(path, 'not-a-file', 'not a regular file');
    if (st.size > MAX_SOURCE_BYTES) {
      return fail(path, 'file-too-large', `file is ${st.size} bytes; service definitions over ${MAX_SOURCE_BYTES} bytes are not read`);
    }
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const bytes = buf.subarray(0, got);
    const nul = bytes.indexOf(0);
    if (nul !== -1) return fail(path, 'binary-file', `binary file (NUL byte at offset ${nul}); expected a text script or unit`);
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      if (opts.latin1Fallback) {
        const line = firstInvalidUtf8Line(bytes);
        return {
          ok: true,
          text: bytes.toString('latin1'),
          warning: diag('warning', 'not-utf8', path, line,
            'not valid UTF-8 text: read as Latin-1; a non-ASCII byte in a command word would be written as UTF-8, so check this line'),
        };
      }
      // Guessing an encoding could change a path or argument byte; refuse the file, say so, go on.
      return fail(path, 'not-utf8', 'file is not valid UTF-8 text');
    }
  } catch (e) {
    return fail(path, 'unreadable-file', `cannot read: ${errText(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** 1-based line of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8Line(bytes: Buffer): number {
  let start = 0;
  let line = 1;
  for (;;) {
    const nl = bytes.indexOf(10, start);
    const end = nl === -1 ? bytes.length : nl;
    try {
      utf8.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    if (nl === -1) return line;
    start = nl + 1;
    line++;
  }
}

function fail(path: string, code: string, message: string): SourceRead {
  return { ok: false, diagnostic: diag('error', code, path, undefined, message) };
}

export function errText(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const code = (e as { code: string }).code;
    if (code === 'ELOOP') return 'symlink loop';
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    return code;
  }
  return String(e);
}

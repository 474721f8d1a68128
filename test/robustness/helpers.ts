/** Shared pieces for the robustness tests: temp roots, corpus lookup, invariants over import results. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { ImportResult } from '../../src/model/service.js';

export const REPO = resolve(import.meta.dirname, '../..');
export { CORPUS, HAVE_CORPUS } from '../support/corpus.js';

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `s6m-robust-${tag}-`));
}

/** Writes `files` (path relative to root -> content; a `{link}` entry makes a symlink) under root. */
export function writeRoot(root: string, files: Record<string, string | Uint8Array | { link: string }>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof content === 'object' && 'link' in content) symlinkSync(content.link, p);
    else writeFileSync(p, content);
  }
}

export function withTempRoot<T>(tag: string, body: (root: string) => T): T {
  const root = tempDir(tag);
  try {
    return body(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Number of lines an editor shows for this file (a trailing newline opens no new line, but allow it). */
function lineCount(path: string): number | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const text = readFileSync(path, 'latin1');
    let n = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
    return n;
  } catch {
    return undefined;
  }
}

/**
 * Everything an import result must satisfy whatever the input: each diagnostic names a file and, when it
 * gives a line, that line exists in that file; no importer safety net fired (an internal error is a bug the
 * safety net hid); every service has a non-empty name without `/` or newline-only content.
 * Returns a list of violations (empty = fine) so a failing property prints all of them.
 */
export function importViolations(r: ImportResult): string[] {
  const bad: string[] = [];
  const lines = new Map<string, number | undefined>();
  const countFor = (f: string) => {
    if (!lines.has(f)) lines.set(f, lineCount(f));
    return lines.get(f);
  };
  const checkLine = (what: string, file: string, line: number | undefined) => {
    if (line === undefined) return;
    if (!Number.isInteger(line) || line < 1) {
      bad.push(`${what}: line ${line} is not a positive integer (${file})`);
      return;
    }
    const n = countFor(file);
    if (n === undefined) bad.push(`${what}: line ${line} given for ${JSON.stringify(file)}, which is not a readable file`);
    else if (line > n) bad.push(`${what}: line ${line} beyond the ${n} lines of ${file}`);
  };
  for (const d of r.diagnostics as Diagnostic[]) {
    const what = `diagnostic ${d.code} (${d.message.slice(0, 120)})`;
    if (typeof d.file !== 'string' || d.file === '') bad.push(`${what}: no file`);
    if (/internal/.test(d.code)) bad.push(`${what}: importer safety net caught an exception`);
    checkLine(what, d.file, d.line);
  }
  for (const s of r.services) {
    if (typeof s.name !== 'string' || s.name === '') bad.push(`service with empty name from ${s.sources[0]?.file}`);
    for (const f of s.findings) checkLine(`finding ${f.code} of ${s.name}`, f.origin.file, f.origin.line);
    for (const d of s.deps) checkLine(`dependency ${d.target} of ${s.name}`, d.origin.file, d.origin.line);
  }
  return bad;
}

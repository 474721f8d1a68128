/**
 * Reading an s6-rc source directory back into the in-memory tree: the inverse of `writeTreeInto`, used
 * by upgrade and downgrade (read, change, write back with force). Also reads hand-written trees: the
 * deprecated single-file `dependencies`/`contents` forms are accepted. Files go through
 * `readSourceFile`, so a binary or huge file is one diagnostic, not a crash.
 */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { parseNameList } from '../check/formats.js';
import { cmp, diag, sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { errText, readSourceFile } from '../util/source-file.js';
import { defaultMode } from './serialize.js';
import { definition, newTree, STATE_DIR, type S6Definition, type S6Tree, type S6Type } from './tree.js';

export interface ReadTreeResult {
  tree: S6Tree;
  /** Files directly under `STATE_DIR`: name -> content. */
  state: Record<string, string>;
  diagnostics: Diagnostic[];
}

const TYPES: readonly S6Type[] = ['oneshot', 'longrun', 'bundle'];

function list(dir: string): string[] {
  return readdirSync(dir).sort(cmp);
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** NAMELIST by the validator's rule (reference §1.3), so a tree reads back as s6-rc-compile reads it. */
function nameList(text: string): string[] {
  // parseNameList works on bytes and names them in latin1; the tree holds UTF-8 names.
  return parseNameList(Buffer.from(text, 'utf8')).names.map((n) => Buffer.from(n.name, 'latin1').toString('utf8'));
}

export function readTree(dir: string): ReadTreeResult {
  const diagnostics: Diagnostic[] = [];
  const tree = newTree();
  const state: Record<string, string> = {};
  let names: string[];
  try {
    names = list(dir);
  } catch (e) {
    return { tree, state, diagnostics: [diag('error', 'tree-unreadable', dir, undefined, `cannot list the tree: ${errText(e)}`)] };
  }
  const readText = (path: string): string | undefined => {
    const r = readSourceFile(path);
    if (r.ok) return r.text;
    diagnostics.push(r.diagnostic);
    return undefined;
  };

  for (const name of names) {
    const base = join(dir, name);
    if (name === STATE_DIR) {
      readState(base, state, readText, diagnostics);
      continue;
    }
    if (name.startsWith('.') || !lstat(base)?.isDirectory()) continue; // s6-rc-compile skips these too
    const typeText = readText(join(base, 'type'));
    if (typeText === undefined) continue;
    const type = typeText.replace(/\n$/, '') as S6Type;
    if (!TYPES.includes(type)) {
      diagnostics.push(diag('error', 'tree-bad-type', join(base, 'type'), 1, `unknown type ${JSON.stringify(typeText.trim())}; expected oneshot, longrun or bundle`));
      continue;
    }
    const def = definition(name, type);
    const listKey = type === 'bundle' ? 'contents' : 'dependencies';
    def[listKey] = readNames(base, listKey, readText);
    readFiles(base, '', def, diagnostics, readText);
    tree.definitions.set(name, def);
  }
  return { tree, state, diagnostics: sortDiagnostics(diagnostics) };
}

function readNames(base: string, key: 'contents' | 'dependencies', readText: (p: string) => string | undefined): string[] {
  const d = join(base, `${key}.d`);
  if (lstat(d)?.isDirectory()) return list(d).filter((n) => !n.startsWith('.'));
  if (lstat(join(base, key))) return nameList(readText(join(base, key)) ?? '').sort(cmp);
  return [];
}

/** Every file other than `type` and the name lists, recursively (`env/`, `data/`), with its mode. */
function readFiles(base: string, rel: string, def: S6Definition, diagnostics: Diagnostic[], readText: (p: string) => string | undefined): void {
  const here = rel === '' ? base : join(base, rel);
  for (const n of list(here)) {
    const relPath = rel === '' ? n : `${rel}/${n}`;
    if (rel === '' && ['type', 'contents', 'contents.d', 'dependencies', 'dependencies.d'].includes(n)) continue;
    const path = join(base, relPath);
    const st = lstat(path);
    if (!st) continue;
    if (st.isDirectory()) {
      readFiles(base, relPath, def, diagnostics, readText);
    } else if (st.isFile()) {
      const content = readText(path);
      if (content === undefined) continue;
      const mode = st.mode & 0o777;
      def.files[relPath] = mode === defaultMode(relPath) ? { content } : { content, mode };
    } else {
      diagnostics.push(diag('warning', 'tree-file-skipped', path, undefined, 'not a regular file (a symlink, FIFO or device); not carried over', def.name));
    }
  }
}

function readState(base: string, state: Record<string, string>, readText: (p: string) => string | undefined, diagnostics: Diagnostic[]): void {
  let names: string[];
  try {
    names = list(base);
  } catch (e) {
    diagnostics.push(diag('error', 'tree-unreadable', base, undefined, `cannot list the state directory: ${errText(e)}`));
    return;
  }
  for (const n of names) {
    if (!lstat(join(base, n))?.isFile()) continue;
    const text = readText(join(base, n));
    if (text !== undefined) state[n] = text;
  }
}

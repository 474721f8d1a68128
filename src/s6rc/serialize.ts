/**
 * Putting an in-memory s6-rc tree on disk, safely. The whole tree is built in a temporary directory
 * beside the destination (same parent, so renames are atomic), checked with the validator, and only
 * then renamed into place. A replaced output is first renamed aside and deleted last, so an interrupted
 * run leaves either the old or the new tree whole, and a tree failing the validator is never left behind.
 * Bytes are deterministic: definitions and files in byte order, fixed modes, no timestamps in content.
 */
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkTree } from '../check/index.js';
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { errText } from '../util/source-file.js';
import { STATE_DIR, type S6Definition, type S6Tree } from './tree.js';

export interface WriteOptions {
  /** Replace an existing non-empty output (only one that looks like an s6-rc source directory). */
  force: boolean;
  /** Tool state: file name -> content, written under `STATE_DIR` (`model.json`, `state.json`). */
  state?: Record<string, StateContent>;
}

/** A state file's bytes: a string, or pieces produced while writing (a large model is never one string). */
export type StateContent = string | { chunks: () => Iterable<string> };

export interface WriteResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** True when the destination itself was refused (exists, not a directory, ...): a usage error. */
  refused?: boolean;
}

const DIR_MODE = 0o755;
/** Characters of a state file gathered before one write. */
const WRITE_BLOCK = 65536;

/** Keeps an empty bundle's `contents.d/` in version control; ignored by s6-rc-compile and `readTree`. */
export const EMPTY_MARKER = '.empty';

/** Mode a file gets when the tree does not say: `run`/`finish` are programs, the rest is data. */
export function defaultMode(path: string): number {
  return path === 'run' || path === 'finish' ? 0o755 : 0o644;
}

/** One path component that stays inside its parent. */
function safeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

/** A relative path inside a definition directory (`env/FOO`, `data/x`), no escape, no hidden tricks. */
function safeRelPath(path: string): boolean {
  return path.split('/').every(safeName);
}

/** Reasons the tree cannot be laid out as files at all; checked before anything is written. */
function layoutProblems(tree: S6Tree, state: Record<string, StateContent>, out: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const bad = (what: string) => problems.push(diag('error', 'tree-unwritable', out, undefined, what));
  for (const def of tree.definitions.values()) {
    if (!safeName(def.name) || def.name.startsWith('.')) bad(`definition name ${JSON.stringify(def.name)} cannot be a directory in the tree`);
    for (const n of [...def.dependencies, ...def.contents]) {
      if (!safeName(n) || n.startsWith('.')) bad(`${def.name}: name ${JSON.stringify(n)} cannot be a file in dependencies.d/ or contents.d/`);
    }
    for (const p of Object.keys(def.files)) {
      const reserved = p === 'type' || /^(dependencies|contents)(\.d)?(\/|$)/.test(p);
      if (!safeRelPath(p) || reserved) bad(`${def.name}: file ${JSON.stringify(p)} cannot be written inside the definition`);
    }
  }
  for (const n of Object.keys(state)) if (!safeName(n)) bad(`state file name ${JSON.stringify(n)} is not a plain file name`);
  return problems;
}

/**
 * Creates files and directories with exact modes. A new file gets `mode & ~umask`, so the chmod that
 * undoes the umask is needed only for modes the umask touches; and, since a default ACL on the directory
 * replaces the umask, the first file or directory of each mode is checked with a stat and chmod stays on
 * for that mode if it came out different. Directories this writer made are remembered, so `mkdir -p`
 * does not stat its way up again for every file.
 */
class ExactWriter {
  private readonly umask: number;
  private readonly trusted = new Map<string, boolean>();
  private readonly made = new Set<string>();

  constructor() {
    let mask = 0o777; // unknown (worker threads may not set it): chmod everything, as before
    try {
      mask = process.umask(0);
      process.umask(mask);
    } catch {
      /* keep the safe default */
    }
    this.umask = mask;
  }

  private fix(path: string, mode: number, what: 'file' | 'dir'): void {
    if ((mode & this.umask) !== 0) {
      chmodSync(path, mode);
      return;
    }
    const key = `${what}:${mode}`;
    const ok = this.trusted.get(key);
    if (ok === true) return;
    if (ok === undefined) {
      const got = statSync(path).mode & 0o7777;
      this.trusted.set(key, got === mode);
      if (got === mode) return;
    }
    chmodSync(path, mode); // the umask (or a default ACL) must not change the bytes we promise
  }

  file(path: string, content: StateContent, mode: number): void {
    // The encoding must be named: only then does Node take its one-call native path for a string.
    if (typeof content === 'string') writeFileSync(path, content, { mode, encoding: 'utf8' });
    else {
      const fd = openSync(path, 'w', mode);
      // Pieces gathered into blocks: one write per piece (per service in model.json) was thousands.
      let pending = '';
      const flush = () => {
        const bytes = Buffer.from(pending);
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
        pending = '';
      };
      try {
        for (const piece of content.chunks()) {
          pending += piece;
          if (pending.length >= WRITE_BLOCK) flush();
        }
        flush();
      } finally {
        closeSync(fd);
      }
    }
    this.fix(path, mode, 'file');
  }

  /** mkdir -p with every created level at DIR_MODE (a recursive mkdir would leave the umask on parents). */
  dir(path: string): void {
    if (this.made.has(path)) return;
    if (!existsSync(path)) {
      this.dir(dirname(path));
      mkdirSync(path, { mode: DIR_MODE });
      this.fix(path, DIR_MODE, 'dir');
    }
    this.made.add(path);
  }

  /** A directory just created inside one this writer made or checked: no existence test needed. */
  freshDir(path: string): void {
    if (!this.made.has(dirname(path))) return this.dir(path);
    try {
      mkdirSync(path, { mode: DIR_MODE });
      this.fix(path, DIR_MODE, 'dir');
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e; // already there: left as it is, like dir()
    }
    this.made.add(path);
  }
}

/** mkdir -p with every created level at DIR_MODE. */
function makeDir(path: string): void {
  new ExactWriter().dir(path);
}

/**
 * `base` is a normalised path and every name below it passed `layoutProblems` (plain components, no
 * `.`/`..`), so paths are joined by concatenation: `path.join` per file was a visible share of the writer.
 */
function writeDefinition(w: ExactWriter, base: string, def: S6Definition): void {
  w.freshDir(base);
  w.file(`${base}/type`, `${def.type}\n`, 0o644);
  // Only the directory forms: the single-file `dependencies`/`contents` are deprecated (reference §1.2).
  if (def.type === 'bundle') {
    const dir = `${base}/contents.d`;
    w.freshDir(dir);
    for (const n of [...new Set(def.contents)].sort(cmp)) w.file(`${dir}/${n}`, '', 0o644);
    // git (etckeeper) and some archivers drop empty directories, and a bundle without contents.d is
    // fatal to s6-rc-compile; a dot file keeps the directory and is no name (reference §1.3 NAMEDIR).
    if (def.contents.length === 0) w.file(`${dir}/${EMPTY_MARKER}`, '', 0o644);
  } else if (def.dependencies.length > 0) {
    // No dependencies: no directory (absent means none), so git keeps the tree exactly as written.
    const dir = `${base}/dependencies.d`;
    w.freshDir(dir);
    for (const n of [...new Set(def.dependencies)].sort(cmp)) w.file(`${dir}/${n}`, '', 0o644);
  }
  for (const p of Object.keys(def.files).sort(cmp)) {
    const f = def.files[p]!;
    const target = `${base}/${p}`;
    if (p.includes('/')) w.dir(dirname(target));
    w.file(target, f.content, f.mode ?? defaultMode(p));
  }
}

/** The tree and state files into `dir` (which exists and is empty). */
export function writeTreeInto(dir: string, tree: S6Tree, state: Record<string, StateContent>): void {
  const w = new ExactWriter();
  w.dir(dir);
  for (const name of [...tree.definitions.keys()].sort(cmp)) writeDefinition(w, join(dir, name), tree.definitions.get(name)!);
  const stateNames = Object.keys(state).sort(cmp);
  if (stateNames.length > 0) {
    w.freshDir(join(dir, STATE_DIR));
    for (const n of stateNames) w.file(join(dir, STATE_DIR, n), state[n]!, 0o644);
  }
}

type Existing = { kind: 'none' } | { kind: 'empty' } | { kind: 'tree' } | { kind: 'refuse'; why: string };

/** What is at the destination now, and whether we may replace it. */
function inspectDestination(out: string): Existing {
  let st;
  try {
    st = lstatSync(out);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'refuse', why: `cannot inspect: ${errText(e)}` };
  }
  // Renaming over a symlink would replace the link, not what it points to: ask for the real path.
  if (st.isSymbolicLink()) return { kind: 'refuse', why: 'is a symbolic link; give the directory it points to' };
  if (!st.isDirectory()) return { kind: 'refuse', why: 'exists and is not a directory' };
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch (e) {
    return { kind: 'refuse', why: `cannot list: ${errText(e)}` };
  }
  if (entries.length === 0) return { kind: 'empty' };
  // --force replaces output trees, never a directory that merely happens to be named (a typo'd /etc).
  const looksLikeTree = entries.includes(STATE_DIR) || entries.every((n) => n.startsWith('.') || isDefinitionDir(join(out, n)));
  return looksLikeTree ? { kind: 'tree' } : { kind: 'refuse', why: 'is not an s6-rc source directory (not every entry is a definition with a type file); remove it yourself if it should be replaced' };
}

function isDefinitionDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory() && statSync(join(path, 'type')).isFile();
  } catch {
    return false;
  }
}

/**
 * Temporary directories an interrupted run left beside the output. Not removed: another run may be using
 * one, and an `.old-` one holds the previous tree if the run died between its two renames.
 */
function leftovers(parent: string, name: string): Diagnostic[] {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  // A `.del-` directory is a superseded tree whose deletion was cut short: ours, and never needed again.
  for (const n of entries.filter((e) => e.startsWith(`.${name}.del-`))) rmSync(join(parent, n), { recursive: true, force: true });
  return entries
    .filter((n) => n.startsWith(`.${name}.tmp-`) || n.startsWith(`.${name}.old-`))
    .sort(cmp)
    .map((n) => diag('note', 'out-leftover', join(parent, n), undefined,
      n.includes('.old-') ? `left by an interrupted run: it holds the output as it was before that run; remove it once not needed`
        : 'left by an interrupted run (a partial tree, never used); safe to remove'));
}

/**
 * Node cannot exchange two directories atomically (no renameat2), so replacing a tree takes two renames:
 * old aside, new in. A run killed between them leaves no OUT, and the previous tree whole in
 * `.NAME.old-XXXX/NAME`. The next run puts it back before anything else, so the previous output is
 * never lost; with more than one candidate it cannot tell which is the latest and leaves them alone.
 */
export function recoverSetAside(parent: string, name: string, out: string): Diagnostic[] {
  if (existsSync(out)) return [];
  let candidates: string[];
  try {
    candidates = readdirSync(parent)
      .filter((n) => n.startsWith(`.${name}.old-`))
      .map((n) => join(parent, n, name))
      .filter((p) => existsSync(p));
  } catch {
    return [];
  }
  if (candidates.length !== 1) return [];
  const aside = candidates[0]!;
  try {
    renameSync(aside, out);
    rmSync(dirname(aside), { recursive: true, force: true });
  } catch (e) {
    return [diag('warning', 'out-recover-failed', aside, undefined, `the previous output set aside by an interrupted run could not be put back: ${errText(e)}`)];
  }
  return [diag('note', 'out-recovered', out, undefined, `an interrupted run had set the previous output aside; it was put back from ${aside}`)];
}

/** `tmp` paths in validator messages name the final output, which is what the user knows. */
function retarget(list: readonly Diagnostic[], tmp: string, out: string): Diagnostic[] {
  return list.map((d) => (d.file === tmp || d.file.startsWith(tmp + '/') ? { ...d, file: out + d.file.slice(tmp.length) } : d));
}

export function writeTreeAtomic(tree: S6Tree, outDir: string, opts: WriteOptions): WriteResult {
  const out = outDir.length > 1 ? outDir.replace(/\/+$/, '') : outDir;
  const state = opts.state ?? {};
  const refuse = (code: string, message: string): WriteResult => ({ ok: false, refused: true, diagnostics: [diag('error', code, out, undefined, message)] });

  const problems = layoutProblems(tree, state, out);
  if (problems.length > 0) return { ok: false, diagnostics: problems };

  const parent = dirname(resolve(out));
  const name = basename(resolve(out));
  if (name === '' || resolve(out) === '/') return refuse('out-invalid', 'the output cannot be the root directory');
  try {
    // `--out /etc/s6-rc/source` on a host that never had s6-rc: create the parents, as mkdir -p would.
    if (!existsSync(parent)) makeDir(parent);
    if (!statSync(parent).isDirectory()) return refuse('out-parent-invalid', `${parent} is not a directory`);
  } catch (e) {
    return refuse('out-parent-invalid', `cannot create the parent directory ${parent}: ${errText(e)}`);
  }
  const recovered = recoverSetAside(parent, name, out);
  const existing = inspectDestination(out);
  if (existing.kind === 'refuse') return refuse('out-refused', `output ${existing.why}`);
  if (existing.kind === 'tree' && !opts.force) return refuse('out-not-empty', 'output directory exists and is not empty; use --force to replace it');

  let tmp: string;
  try {
    tmp = mkdtempSync(join(parent, `.${name}.tmp-`));
    chmodSync(tmp, DIR_MODE);
  } catch (e) {
    return refuse('out-unwritable', `cannot create a temporary directory in ${parent}: ${errText(e)}`);
  }
  try {
    writeTreeInto(tmp, tree, state);
    const check = checkTree(tmp);
    if (!check.ok) {
      rmSync(tmp, { recursive: true, force: true });
      const checked = retarget(check.diagnostics, tmp, out);
      return { ok: false, diagnostics: [diag('error', 'tree-invalid', out, undefined, 'the generated tree fails the validator; nothing was written'), ...checked] };
    }
    if (existing.kind === 'tree') {
      // Old tree aside first, new one in, old one deleted last: a crash in between leaves a whole tree.
      const old = mkdtempSync(join(parent, `.${name}.old-`));
      const aside = join(old, name);
      renameSync(out, aside);
      try {
        renameSync(tmp, out);
      } catch (e) {
        renameSync(aside, out);
        rmSync(old, { recursive: true, force: true });
        throw e;
      }
      // Superseded: rename before deleting, so an `.old-` directory only ever holds a whole tree (the
      // one recovery may put back) and a deletion cut short leaves a `.del-` one, which is only garbage.
      const doomed = old.replace(`.${name}.old-`, `.${name}.del-`);
      renameSync(old, doomed);
      rmSync(doomed, { recursive: true, force: true });
    } else {
      // rename(2) replaces an empty directory atomically.
      renameSync(tmp, out);
    }
    return { ok: true, diagnostics: [...recovered, ...retarget(check.diagnostics, tmp, out), ...leftovers(parent, name)] };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    return { ok: false, diagnostics: [diag('error', 'out-write-failed', out, undefined, `cannot write the output: ${errText(e)}`)] };
  }
}

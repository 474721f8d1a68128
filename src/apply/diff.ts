/**
 * Which definitions changed between two source trees. s6-rc-update restarts a longrun only when its type,
 * its dependencies' state or the conversion file says so (reference §5.4); a longrun whose `run` alone
 * changed keeps running the old program. We compare what each longrun's servicedir is built from and
 * restart exactly the ones that differ.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cmp } from '../model/diagnostic.js';

/**
 * Longrun files that s6-rc-compile copies into the servicedir, i.e. what the supervised process sees
 * (reference §1.2). Dependencies, timeout-up/down and flags live in the database only: changing them
 * needs no restart, and s6-rc-update already handles type changes and dependency restarts.
 */
const SERVICEDIR_INPUTS: ReadonlyArray<readonly [string, string]> = [
  ['run', '§1.2: copied 0755; the supervised program'],
  ['finish', '§1.2: copied when readable'],
  ['notification-fd', '§1.2: readiness fd read by s6-supervise'],
  ['lock-fd', '§1.2: lock fd (s6 >= 2.11)'],
  ['timeout-kill', '§1.2: copied'],
  ['timeout-finish', '§1.2: copied'],
  ['max-death-tally', '§1.2: copied'],
  ['down-signal', '§1.2: copied byte for byte'],
  ['reload-signal', '§1.2: M only, copied'],
  ['flag-timeout-killpg', '§1.2: V6, recreated empty'],
  ['flag-newpidns', '§1.2: V6, recreated empty'],
  ['data', '§1.2: directory copied recursively'],
  ['env', '§1.2: directory copied recursively'],
  ['template', '§1.2: directory copied recursively'],
  ['producer-for', '§3: pipeline plumbing; the generated run wrapper changes'],
  ['consumer-for', '§3: pipeline plumbing; the generated run wrapper changes'],
  ['pipeline-name', '§3: names the pipeline bundle on the last consumer'],
];

export interface DefinitionPrint {
  /** Content of `type` up to the first LF (reference §1.3), or undefined when unreadable. */
  type: string | undefined;
  /** Every file under the definition directory: relative path -> content hash. */
  files: Map<string, string>;
}

export type TreePrint = Map<string, DefinitionPrint>;

/** Definitions are the top-level directories whose names do not start with `.` (reference §1.1). */
export function fingerprintTree(dir: string): TreePrint {
  const out: TreePrint = new Map();
  for (const name of listSorted(dir)) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (!statSafe(p)?.isDirectory()) continue;
    const files = new Map<string, string>();
    walk(p, '', files);
    let type: string | undefined;
    try {
      type = readFileSync(join(p, 'type'), 'latin1').slice(0, 8).split('\n')[0];
    } catch {
      type = undefined;
    }
    out.set(name, { type, files });
  }
  return out;
}

/** One hash for a whole tree: names the database so identical sources are recognisable. */
export function hashTree(print: TreePrint): string {
  const h = createHash('sha256');
  for (const [name, def] of print) {
    for (const [file, hash] of def.files) h.update(`${name}/${file}\0${hash}\0`);
  }
  return h.digest('hex');
}

export interface SourceDiff {
  /** Longruns in both trees whose servicedir inputs differ: the conversion file restarts these. */
  restart: string[];
  /** Oneshots whose files changed: s6-rc-update does not re-run them; reported only. */
  changedOneshots: string[];
  added: string[];
  removed: string[];
  /** Names whose type changed; s6-rc-update restarts those itself. */
  typeChanged: string[];
}

export function diffTrees(oldTree: TreePrint, newTree: TreePrint): SourceDiff {
  const d: SourceDiff = { restart: [], changedOneshots: [], added: [], removed: [], typeChanged: [] };
  for (const name of [...newTree.keys()].sort(cmp)) {
    const now = newTree.get(name)!;
    const before = oldTree.get(name);
    if (!before) d.added.push(name);
    else if (before.type !== now.type) d.typeChanged.push(name);
    else if (now.type === 'longrun' && differs(before, now, isServicedirInput)) d.restart.push(name);
    else if (now.type === 'oneshot' && differs(before, now, () => true)) d.changedOneshots.push(name);
  }
  for (const name of [...oldTree.keys()].sort(cmp)) if (!newTree.has(name)) d.removed.push(name);
  return d;
}

function isServicedirInput(rel: string): boolean {
  const top = rel.split('/')[0];
  return SERVICEDIR_INPUTS.some(([f]) => f === top);
}

function differs(a: DefinitionPrint, b: DefinitionPrint, relevant: (rel: string) => boolean): boolean {
  const keys = new Set([...a.files.keys(), ...b.files.keys()]);
  for (const k of keys) if (relevant(k) && a.files.get(k) !== b.files.get(k)) return true;
  return false;
}

/**
 * Records every entry: regular files by content and exec bit, symlinks inside data/env by target
 * (s6-rc-compile copies them as links), directories by presence (empty `dependencies.d/x` matter).
 */
function walk(dir: string, rel: string, files: Map<string, string>): void {
  for (const name of listSorted(dir)) {
    const p = join(dir, name);
    const r = rel === '' ? name : `${rel}/${name}`;
    // The top level follows symlinks, as s6-rc-compile does; deeper ones are copied as links.
    const st = rel === '' ? statSafe(p) : lstatSafe(p);
    if (!st) files.set(r, 'unreadable');
    else if (st.isSymbolicLink()) files.set(r, `link:${readlinkSync(p)}`);
    else if (st.isDirectory()) {
      files.set(r, 'dir');
      walk(p, r, files);
    } else if (st.isFile()) {
      let content: Buffer;
      try {
        content = readFileSync(p);
      } catch {
        files.set(r, 'unreadable');
        continue;
      }
      files.set(r, createHash('sha256').update(content).update(Number(st.mode) & 0o111 ? 'x' : '-').digest('hex'));
    } else files.set(r, 'special');
  }
}

function listSorted(dir: string): string[] {
  try {
    return readdirSync(dir).sort(cmp);
  } catch {
    return [];
  }
}

function statSafe(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function lstatSafe(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The whole conversion, front to back: discovery -> importers -> passes -> (convert) the atomic writer.
 * No logic of its own beyond wiring; the CLI calls these.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, normalize, resolve, sep } from 'node:path';
import { importOpenrc } from '../importers/openrc/index.js';
import { importSystemd } from '../importers/systemd/index.js';
import { importSysv } from '../importers/sysv/index.js';
import { discover } from './discover.js';
import { detectInit, type InitSystem } from './host-init.js';
import { cmp, diag, sortDiagnostics, type Diagnostic } from './model/diagnostic.js';
import type { HostFacts, ImportInput, ImportResult, Service } from './model/service.js';
import { planConversion } from './passes/index.js';
import { writeTreeAtomic, type WriteResult } from './s6rc/serialize.js';
import type { S6Tree } from './s6rc/tree.js';
import { MODEL_FILE } from './state/state.js';
import { onDisk } from './util/host-path.js';

export interface ScanOptions {
  /** Files or directories on disk; empty means the standard locations under `root`. */
  paths: readonly string[];
  /** Host root on disk (`--root`), default `/`. */
  root: string;
  /** `--init`: the host's init system, instead of detecting it. */
  init?: InitSystem;
  /** Told after each stage: what comes next, and how many of the discovered files are read so far. */
  onProgress?: (step: string, filesDone: number, filesTotal: number) => void;
}

export interface ScanResult {
  services: Service[];
  host: HostFacts;
  tree: S6Tree;
  diagnostics: Diagnostic[];
}

export interface ConvertOptions extends ScanOptions {
  out: string;
  force: boolean;
}

export interface ConvertResult extends ScanResult {
  write: WriteResult;
}

const IMPORTERS: ReadonlyArray<{ key: 'sysv' | 'openrc' | 'systemd'; run: (input: ImportInput) => ImportResult }> = [
  { key: 'sysv', run: importSysv },
  { key: 'openrc', run: importOpenrc },
  { key: 'systemd', run: importSystemd },
];

export function scanHost(opts: ScanOptions): ScanResult {
  const found = discover(opts);
  const results: ImportResult[] = [];
  const diagnostics: Diagnostic[] = [...found.diagnostics];
  const total = IMPORTERS.reduce((n, imp) => n + found[imp.key].length, 0);
  let done = 0;
  for (const imp of IMPORTERS) {
    const files = found[imp.key];
    opts.onProgress?.(`reading ${imp.key} files`, done, total);
    done += files.length;
    // An importer with nothing to read would still read host files (a default target, inittab) and
    // claim the host's default bundle for a format the host does not use.
    if (files.length === 0) continue;
    try {
      results.push(imp.run({ root: opts.root, files }));
    } catch (e) {
      // Importers do not throw on bad input; this is a bug, and it must cost one format, not the run.
      diagnostics.push(diag('error', 'internal-error', opts.root, undefined, `the ${imp.key} importer failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  opts.onProgress?.('resolving dependencies', done, total);
  const init = detectInit(opts.root, { sysv: found.sysv.length, openrc: found.openrc.length, systemd: found.systemd.length }, opts.init);
  const plan = planConversion(results, init);
  diagnostics.push(...plan.diagnostics);
  if (init.init === 'openrc' && found.openrc.length > 0 && !existsSync(onDisk(opts.root, '/etc/runlevels'))) {
    // OpenRC starts only what its runlevels list: without them it starts nothing, and so does `default`.
    diagnostics.push(diag('warning', 'openrc-no-runlevels', onDisk(opts.root, '/etc/runlevels'), undefined,
      'the host runs OpenRC but has no /etc/runlevels: OpenRC would start none of its services, so no service is in a runlevel bundle and default starts nothing'));
  }
  const relative = relativeToUserRoot(opts.root);
  const spelled = normalize(opts.root).replace(/(.)\/+$/, '$1');
  return {
    services: relative(plan.services) as Service[],
    host: { ...(relative(plan.host) as HostFacts), ...(spelled === '/' ? {} : { root: spelled }) },
    tree: plan.tree,
    diagnostics: sortDiagnostics(relative(diagnostics) as Diagnostic[]),
  };
}

export function convertHost(opts: ConvertOptions): ConvertResult {
  return writeConversion(scanHost(opts), opts.out, opts.force);
}

/** The scanned tree and its model into `out` (atomically, validated first). */
export function writeConversion(scan: ScanResult, out: string, force: boolean): ConvertResult {
  const write = writeTreeAtomic(scan.tree, out, { force, state: { [MODEL_FILE]: { chunks: () => modelChunks(scan.services, scan.host) } } });
  return { ...scan, diagnostics: sortDiagnostics([...scan.diagnostics, ...write.diagnostics]), write };
}

/** `OUT/.s6migrate/model.json`: `{version: 1, services, host}`, services by name, keys sorted. */
export function renderModel(services: readonly Service[], host: HostFacts): string {
  return [...modelChunks(services, host)].join('');
}

/**
 * The bytes of `renderModel`, one service at a time, so the writer never holds the whole document (20 MB
 * on a 4,000-service host). Same as `JSON.stringify(sortKeys(model), null, 2)`: pretty-printing only adds
 * indentation after each newline (strings never hold a raw one), so a value printed alone and indented
 * to its depth is the same text. (Printing many services per call was measured no faster: the sorted
 * copies then live longer and survive into the old generation.)
 */
export function* modelChunks(services: readonly Service[], host: HostFacts): Generator<string> {
  const sorted = [...services].sort((a, b) => cmp(a.name, b.name));
  const pretty = (v: unknown, indent: string) => JSON.stringify(sortKeys(v), null, 2).replace(/\n/g, '\n' + indent);
  yield '{\n';
  if (host !== undefined) yield `  "host": ${pretty(host, '  ')},\n`;
  if (sorted.length === 0) yield '  "services": [],\n';
  else {
    yield '  "services": [\n';
    for (let i = 0; i < sorted.length; i++) yield `    ${pretty(sorted[i], '    ')}${i + 1 < sorted.length ? ',' : ''}\n`;
    yield '  ],\n';
  }
  yield '  "version": 1\n}\n';
}

/**
 * The value with object keys in byte order (undefined members dropped, as JSON drops them). A plain
 * object whose keys are already in order and whose members need no change is returned as it is, with
 * nothing allocated: the model is large, and about half its objects are already ordered. `for...in`
 * walks the keys without the array `Object.keys` makes; an object found out of order is copied, and the
 * members already walked are walked once more (unchanged ones cost no copy, a changed one is reused).
 */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = sortKeys(value[i]);
      if (v !== value[i] && !out) out = value.slice(0, i);
      out?.push(v);
    }
    return out ?? value;
  }
  const rec = value as Record<string, unknown>;
  const proto = Object.getPrototypeOf(rec);
  let ordered = proto === Object.prototype || proto === null; // anything else becomes a plain copy
  let prev = '';
  let first = true;
  let changed = false; // a member whose sorted copy is `changedValue`
  let changedKey = '';
  let changedValue: unknown;
  if (ordered) {
    for (const k in rec) {
      if (!first && prev >= k) {
        ordered = false;
        break;
      }
      first = false;
      prev = k;
      const v = rec[k];
      const s = sortKeys(v);
      if (s !== v) {
        ordered = false;
        changed = true;
        changedKey = k;
        changedValue = s;
        break;
      }
    }
  }
  if (ordered) return value;
  const out: Record<string, unknown> = {};
  // Keys are strings: the default sort compares UTF-16 code units, as `cmp` does, without a callback.
  for (const k of Object.keys(rec).sort()) {
    const v = rec[k];
    if (v !== undefined) out[k] = changed && k === changedKey ? changedValue : sortKeys(v);
  }
  return out;
}

/**
 * Importers resolve some paths under the root (companion files, the systemd search path) to absolute
 * ones. When the user gave a relative `--root`, write every such path relative again, as the user spelled
 * the root (`join(root, ...)`, as discovery names files), so the model and the diagnostics are the same
 * bytes wherever the checkout lives. Paths inside text (a message naming two files) change too. Only the
 * root's absolute path (and its real path, when a symlink leads there) is replaced; paths on the
 * converted system never contain it.
 */
export function relativeToUserRoot(root: string): (value: unknown) => unknown {
  if (isAbsolute(root)) return (v) => v;
  const spelled = normalize(root).replace(/\/+$/, '') || '.';
  const abs = resolve(root);
  // Run from `/`, every absolute path is under the root: nothing to tell apart.
  if (abs === sep) return (v) => v;
  const prefixes = [abs];
  try {
    const real = realpathSync(abs);
    if (real !== abs) prefixes.push(real);
  } catch {
    // A root that does not exist has no files to name; discovery reports it.
  }
  // The root's absolute path where a path starts (not inside a longer word) and ends (at `/` or a
  // non-path character), longest first so a real path that extends the resolved one wins.
  const escaped = prefixes.sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w.~/-])(?:${escaped.join('|')})(/|(?![\\w.~-]))`, 'g');
  const fix = (s: string) =>
    prefixes.some((p) => s.includes(p))
      ? s.replace(pattern, (_m, slash: string) => (slash === '/' ? (spelled === '.' ? '' : spelled + '/') : spelled))
      : s;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk;
}

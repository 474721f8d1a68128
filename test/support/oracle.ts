/**
 * The conversion's side of the oracle tests: what the compiled `default` starts, asked of the real
 * s6-rc database (`s6-rc-db all-dependencies default`, s6-rc's own closure of the bundle), and how the
 * comparison with the original init system is printed and judged.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Stack } from './stacks.js';

/** The atomic services the compiled `default` starts, without s6-rc's own (`s6rc-*`) ones, sorted. */
export function compiledDefault(stack: Stack, source: string): string[] {
  const work = mkdtempSync(join(tmpdir(), 's6m-oracle-db-'));
  try {
    const db = join(work, 'compiled');
    const c = spawnSync(stack.tool('s6-rc-compile'), [db, source], { encoding: 'utf8', env: stack.env });
    if (c.status !== 0) throw new Error(`s6-rc-compile ${stack.version}: ${c.stderr}`);
    const q = spawnSync(stack.tool('s6-rc-db'), ['-c', db, 'all-dependencies', 'default'], { encoding: 'utf8', env: stack.env });
    if (q.status !== 0) throw new Error(`s6-rc-db ${stack.version}: ${q.stderr}`);
    return q.stdout.split('\n').filter((n) => n !== '' && !n.startsWith('s6rc-')).sort();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface Comparison {
  original: string[];
  ours: string[];
  /** In one set only, each with the diagnostic that explains it (undefined: unexplained). */
  onlyOriginal: { name: string; why?: Diagnostic }[];
  onlyOurs: { name: string; why?: Diagnostic }[];
}

/**
 * Compares the sets. A difference is explained when the user is told about that service: a diagnostic
 * whose service is it, or whose message names it, with one of `codes` (default: any warning or error).
 */
export function compare(original: readonly string[], ours: readonly string[], diagnostics: readonly Diagnostic[], codes?: readonly string[]): Comparison {
  const o = new Set(original);
  const s = new Set(ours);
  const why = (name: string) => diagnostics.find((d) => (codes === undefined ? d.severity !== 'note' : codes.includes(d.code)) && (d.service === name || new RegExp(`(^|[^\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w.-]|$)`).test(d.message)));
  return {
    original: [...o].sort(),
    ours: [...s].sort(),
    onlyOriginal: [...o].filter((n) => !s.has(n)).sort().map((name) => ({ name, why: why(name) })),
    onlyOurs: [...s].filter((n) => !o.has(n)).sort().map((name) => ({ name, why: why(name) })),
  };
}

/** The figures the oracle tests print, per corpus: what the original starts, what default starts, the differences. */
export function report(title: string, c: Comparison): string {
  const diff = (list: Comparison['onlyOurs']) => list.map((d) => `${d.name}${d.why ? ` [${d.why.code}]` : ' [UNEXPLAINED]'}`).join(', ') || 'none';
  return [
    `${title}: the original starts ${c.original.length}, the compiled default starts ${c.ours.length}`,
    `  only the original: ${diff(c.onlyOriginal)}`,
    `  only the conversion: ${diff(c.onlyOurs)}`,
  ].join('\n');
}

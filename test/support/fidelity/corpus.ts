/**
 * The harness over the whole corpus, and the table docs/fidelity.md shows. `main.ts` prints it;
 * test/e2e/fidelity.test.ts runs it and compares the figures with the ones in docs/fidelity.md.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPackage, type CaseResult, type Stack } from './harness.js';
import { buildRecorder } from './sandbox.js';

const OPENRC_FIXTURE_ROOT = resolve(import.meta.dirname, '../../fixtures/openrc/host');
/** The OpenRC fixture host: every absolute `command=` of its scripts is a daemon the recorder stands for. */
export const OPENRC_FIXTURE = {
  pkg: 'fixture:openrc',
  root: OPENRC_FIXTURE_ROOT,
  programs: existsSync(join(OPENRC_FIXTURE_ROOT, 'etc/init.d'))
    ? [...new Set(readdirSync(join(OPENRC_FIXTURE_ROOT, 'etc/init.d')).flatMap((n) => [...readFileSync(join(OPENRC_FIXTURE_ROOT, 'etc/init.d', n), 'utf8').matchAll(/^\s*command=["']?(\/[^\s"']+)/gm)].map((m) => m[1]!)))].sort()
    : [],
};

/** The s6 stacks of test/support/stacks.ts as the harness runs them: 0.5 is Debian's s6 and execline. */
export function harnessStacks(stackBins: Record<string, string | undefined>): Stack[] {
  const out: Stack[] = [{ version: '0.5', bin: '/usr/bin' }];
  if (stackBins['0.6']) out.push({ version: '0.6', bin: stackBins['0.6'] });
  return out;
}

/**
 * Async only to hand the event loop back between packages: a vitest worker blocked for a minute misses
 * its runner's replies and fails the run ("Timeout calling onTaskUpdate"), and the corpus takes minutes.
 */
export async function runCorpus(corpus: string, stacks: Stack[], only?: string[]): Promise<CaseResult[]> {
  const recorder = buildRecorder();
  const work = mkdtempSync(join(tmpdir(), 's6m-fidelity-'));
  const debs = existsSync(join(corpus, '.debs')) ? readdirSync(join(corpus, '.debs')) : [];
  const results: CaseResult[] = [];
  try {
    for (const pkg of readdirSync(corpus).sort()) {
      if (pkg.startsWith('.') || !statSync(join(corpus, pkg)).isDirectory() || (only && !only.includes(pkg))) continue;
      const deb = debs.find((n) => n.startsWith(`${pkg}_`));
      if (!deb) continue;
      results.push(...runPackage({ pkg, root: join(corpus, pkg), deb: join(corpus, '.debs', deb) }, recorder, stacks, join(work, pkg)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // OpenRC cases: Debian ships almost no OpenRC scripts, so the OpenRC fixture host is judged too,
    // its daemons replaced by the recorder.
    if (!only || only.includes(OPENRC_FIXTURE.pkg)) results.push(...runPackage(OPENRC_FIXTURE, recorder, stacks, join(work, 'openrc-fixture')));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

export interface Figures {
  services: number;
  compared: number;
  equal: number;
  different: number;
  notComparable: number;
  highDifferent: number;
  byConfidence: Record<string, { equal: number; different: number; notComparable: number }>;
}

/** One row per service: its outcome is "different" if it differs on any stack. */
interface Row {
  pkg: string;
  service: string;
  judge: string;
  confidence: string;
  evidence: string;
  outcome: CaseResult['outcome'];
  stacks: Record<string, CaseResult['outcome']>;
  detail: string;
}

function rows(results: CaseResult[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const r of results) {
    const key = `${r.pkg}\0${r.service}\0${r.judge}`;
    let row = byKey.get(key);
    if (!row) {
      row = { pkg: r.pkg, service: r.service, judge: r.judge, confidence: r.confidence, evidence: r.evidence, outcome: r.outcome, stacks: {}, detail: r.detail };
      byKey.set(key, row);
    }
    row.stacks[r.stack] = r.outcome;
    if (r.outcome === 'different' && row.outcome !== 'different') {
      row.outcome = 'different';
      row.detail = r.detail;
    }
  }
  return [...byKey.values()];
}

export function figures(results: CaseResult[]): Figures {
  const rs = rows(results);
  const f: Figures = { services: rs.length, compared: 0, equal: 0, different: 0, notComparable: 0, highDifferent: 0, byConfidence: {} };
  for (const r of rs) {
    const c = (f.byConfidence[r.confidence] ??= { equal: 0, different: 0, notComparable: 0 });
    if (r.outcome === 'not-comparable') (f.notComparable++, c.notComparable++);
    else {
      f.compared++;
      if (r.outcome === 'equal') (f.equal++, c.equal++);
      else (f.different++, c.different++, r.confidence === 'high' && f.highDifferent++);
    }
  }
  return f;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 220);

/** The markdown docs/fidelity.md carries: figures, a machine-readable line, and one row per service. */
export function renderTable(results: CaseResult[]): string {
  const f = figures(results);
  const out: string[] = [];
  out.push(`Services upgraded: ${f.services}. Compared: ${f.compared} (equal ${f.equal}, different ${f.different}); not comparable: ${f.notComparable}. Different at "high": ${f.highDifferent}.`);
  out.push('');
  out.push('| confidence | equal | different | not comparable |');
  out.push('|---|---|---|---|');
  for (const c of ['high', 'medium', 'low']) {
    const x = f.byConfidence[c] ?? { equal: 0, different: 0, notComparable: 0 };
    out.push(`| ${c} | ${x.equal} | ${x.different} | ${x.notComparable} |`);
  }
  out.push('');
  out.push(`<!-- fidelity-figures ${JSON.stringify({ compared: f.compared, equal: f.equal, different: f.different, notComparable: f.notComparable, highDifferent: f.highDifferent })} -->`);
  out.push('');
  out.push('| package | service | judge | confidence | evidence | 0.5 | 0.6 | first difference, or why not comparable |');
  out.push('|---|---|---|---|---|---|---|---|');
  const order = { different: 0, 'not-comparable': 2, equal: 1 } as const;
  for (const r of rows(results).sort((a, b) => order[a.outcome] - order[b.outcome] || (a.pkg < b.pkg ? -1 : a.pkg > b.pkg ? 1 : a.service < b.service ? -1 : 1))) {
    const st = (v: string): string => r.stacks[v] ?? r.stacks['-'] ?? '';
    out.push(`| ${r.pkg} | ${r.service} | ${r.judge} | ${r.confidence} | ${r.evidence} | ${st('0.5')} | ${st('0.6')} | ${cell(r.detail)} |`);
  }
  return out.join('\n');
}

/** The figures line of docs/fidelity.md, if there is one. */
export function documentedFigures(doc: string): Omit<Figures, 'byConfidence' | 'services'> | undefined {
  const m = /<!-- fidelity-figures (\{.*\}) -->/.exec(doc);
  return m ? (JSON.parse(m[1]!) as Omit<Figures, 'byConfidence' | 'services'>) : undefined;
}

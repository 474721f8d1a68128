/**
 * The corpus test (issues 2 and 3): every package of the real-distribution corpus (`$S6M_CORPUS`, default
 * `.cache/corpus`, filled by `../shared/corpus/fetch-corpus.sh`) is converted as a host root of its own,
 * then all packages merged into one root. For each: no exception escapes, every init script and unit
 * file is accounted for (a service that came from it, or a diagnostic naming it), the written tree
 * passes `checkTree`, and compiles with the real s6-rc-compile of both stacks.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IMPORTED_UNIT_SUFFIXES, STANDARD_LOCATIONS } from '../../src/discover.js';
import type { Severity } from '../../src/model/diagnostic.js';
import { targetBundle } from '../../src/model/naming.js';
import { convertHost, type ConvertResult } from '../../src/pipeline.js';
import { expectValid } from '../support/valid-tree.js';
import { STACKS_TITLE } from '../support/stacks.js';
import { CORPUS, CORPUS_PACKAGES, CORPUS_SKIP } from '../support/corpus.js';

const packages = CORPUS_PACKAGES;
const noCorpus = CORPUS_SKIP;
const haveCorpus = noCorpus === '';

// Only made when the corpus is there: hooks of a fully skipped file do not run, so nothing would remove it.
const work = haveCorpus ? mkdtempSync(join(tmpdir(), 's6m-e2e-corpus-')) : '';
afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The files the importers must account for: init.d entries, and unit files of the types read. */
function inputFiles(root: string): string[] {
  const files: string[] = [];
  for (const loc of STANDARD_LOCATIONS) {
    const dir = join(root, loc);
    for (const name of entries(dir)) {
      const path = join(dir, name);
      if (loc === '/etc/init.d') files.push(path);
      else if (IMPORTED_UNIT_SUFFIXES.some((s) => name.endsWith(s)) && !statSync(path).isDirectory()) files.push(path);
    }
  }
  return files;
}

/**
 * Input files that neither became (part of) a service nor appear in a diagnostic. A `.target` unit is
 * no service: the passes turn it into a bundle (reason `target NAME`), which does not name its file.
 */
function unaccounted(root: string, r: ConvertResult): string[] {
  const seen = new Set<string>();
  for (const s of r.services) for (const src of s.sources) seen.add(resolve(src.file));
  for (const d of r.diagnostics) seen.add(resolve(d.file));
  const targetBundles = new Set((r.host.bundles ?? []).map((b) => b.reason));
  return inputFiles(root).filter((f) => {
    if (seen.has(resolve(f))) return false;
    const name = basename(f);
    return !(name.endsWith('.target') && targetBundles.has(`target ${targetBundle(name)}`));
  });
}

interface Totals {
  packages: number;
  services: number;
  oneshot: number;
  longrun: number;
  bundle: number;
  severities: Record<Severity, number>;
}
let mostServices = 0;
const totals: Totals = { packages: 0, services: 0, oneshot: 0, longrun: 0, bundle: 0, severities: { error: 0, warning: 0, note: 0 } as Record<Severity, number> };

function convertAndVerify(root: string, out: string): ConvertResult {
  let r: ConvertResult | undefined;
  expect(() => { r = convertHost({ paths: [], root, out, force: true }); }).not.toThrow();
  const result = r!;
  expect(unaccounted(root, result), 'input files with no service and no diagnostic').toEqual([]);
  const errors = result.diagnostics.filter((d) => d.code === 'internal-error');
  expect(errors, 'an importer or pass crashed').toEqual([]);
  expect(result.write.ok, JSON.stringify(result.write.diagnostics, null, 1)).toBe(true);
  expectValid(out);
  return result;
}

describe.skipIf(!haveCorpus)(`corpus conversion (${CORPUS}; compiled with ${STACKS_TITLE})${noCorpus}`, () => {
  it.each(packages)('%s converts into a valid tree', (pkg) => {
    const r = convertAndVerify(join(CORPUS, pkg), join(work, 'out', pkg));
    totals.packages++;
    totals.services += r.services.length;
    mostServices = Math.max(mostServices, r.services.length);
    for (const def of r.tree.definitions.values()) totals[def.type]++;
    for (const d of r.diagnostics) totals.severities[d.severity] = (totals.severities[d.severity] ?? 0) + 1;
  });

  it('all packages merged into one root convert into a valid tree', () => {
    const merged = join(work, 'merged-root');
    // A file two packages share is overwritten by the later one (both describe the same path on a host).
    for (const pkg of packages) cpSync(join(CORPUS, pkg), merged, { recursive: true, force: true, verbatimSymlinks: true });
    const r = convertAndVerify(merged, join(work, 'merged-out'));
    const count = (t: string) => [...r.tree.definitions.values()].filter((d) => d.type === t).length;
    // Merging loses no package's services: the merged host has at least as many as the biggest package.
    expect(r.services.length).toBeGreaterThanOrEqual(mostServices);
    const sev = (s: Severity) => r.diagnostics.filter((d) => d.severity === s).length;
    console.log(`corpus merged: ${r.services.length} services, ${count('oneshot')} oneshots, ${count('longrun')} longruns, ${count('bundle')} bundles, diagnostics ${sev('error')} errors / ${sev('warning')} warnings / ${sev('note')} notes`);
  });

  afterAll(() => {
    const s = totals.severities;
    console.log(`corpus: ${totals.packages}/${packages.length} packages, ${totals.services} services, ${totals.oneshot} oneshots, ${totals.longrun} longruns, ${totals.bundle} bundles, diagnostics ${s.error} errors / ${s.warning} warnings / ${s.note} notes, all compiled with ${STACKS_TITLE}`);
  });
});

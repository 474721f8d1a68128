/**
 * Every unit shipped by the corpus packages (S6M_CORPUS, default .cache/corpus; see
 * ../shared/corpus/fetch-corpus.sh) imports or yields a diagnostic, and nothing throws.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSystemd } from '../../../importers/systemd/index.js';
import type { SystemdEvidence } from '../../../src/model/service.js';
import { parseUnitName } from '../../../importers/systemd/specifiers.js';

import { CORPUS, CORPUS_SKIP } from '../../support/corpus.js';

const UNIT_DIRS = ['lib/systemd/system', 'usr/lib/systemd/system', 'etc/systemd/system'];

function packages(): { root: string; files: string[] }[] {
  if (CORPUS_SKIP !== '') return [];
  const out: { root: string; files: string[] }[] = [];
  for (const p of readdirSync(CORPUS).sort()) {
    const root = join(CORPUS, p);
    const files: string[] = [];
    for (const d of UNIT_DIRS) {
      const dir = join(root, d);
      if (!existsSync(dir)) continue;
      for (const e of readdirSync(dir).sort()) if (parseUnitName(e) && !e.endsWith('.d') && !/\.(wants|requires)$/.test(e)) files.push(join(dir, e));
    }
    if (files.length > 0) out.push({ root, files });
  }
  return out;
}

const PKGS = packages();

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

describe.skipIf(CORPUS_SKIP !== '')(`systemd importer over the corpus${CORPUS_SKIP}`, () => {
  it('every unit file imports or yields a diagnostic; nothing throws', () => {
    const byUnitType: Record<string, number> = {};
    const byServiceType: Record<string, number> = {};
    let files = 0;
    let wrappers = 0;
    const unaccounted: string[] = [];
    for (const pkg of PKGS) {
      const r = importSystemd({ root: pkg.root, files: pkg.files });
      expect(r.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
      for (const d of r.diagnostics) expect(d.file).toBeTruthy();
      const named = new Set(r.diagnostics.map((d) => d.file));
      const imported = new Set<string>();
      const unitsImported = new Set<string>();
      for (const s of r.services) {
        const ev = s.sources[0] as SystemdEvidence;
        imported.add(real(ev.file));
        unitsImported.add(ev.unit);
        byUnitType[ev.unitType] = (byUnitType[ev.unitType] ?? 0) + 1;
        if (ev.unitType === 'service') byServiceType[ev.serviceType ?? 'none'] = (byServiceType[ev.serviceType ?? 'none'] ?? 0) + 1;
        if (s.wrapper) wrappers++;
        for (const f of s.findings) expect(f.origin.file).toBeTruthy();
      }
      for (const f of pkg.files) {
        files++;
        if (!named.has(f) && !imported.has(real(f)) && !unitsImported.has(basename(f))) unaccounted.push(f);
      }
    }
    expect(unaccounted).toEqual([]);
    const fmt = (o: Record<string, number>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(`systemd corpus: ${files} files in ${PKGS.length} packages; units by type: ${fmt(byUnitType)}; services by Type=: ${fmt(byServiceType)}; ${wrappers} with a wrapper`);
  });
});

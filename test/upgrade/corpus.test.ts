/**
 * Every corpus package: import (sysv + systemd + OpenRC), run the passes, then try to upgrade every oneshot
 * non-interactively; every upgraded tree must pass the validator. Skipped without the corpus.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOpenrc } from '../../importers/openrc/index.js';
import { importSystemd } from '../../importers/systemd/index.js';
import { importSysv } from '../../importers/sysv/index.js';
import { checkTree } from '../../src/check/index.js';
import { planConversion } from '../../src/passes/index.js';
import { emptyState } from '../../src/state/state.js';
import { upgrade, type Workspace } from '../../src/upgrade/upgrade.js';
import { writeTreeForTest } from './disk.js';

import { CORPUS as corpus, CORPUS_SKIP } from '../support/corpus.js';

const have = CORPUS_SKIP === '';

function files(dir: string, keep: (n: string) => boolean): string[] {
  return existsSync(dir) ? readdirSync(dir).filter(keep).sort().map((n) => join(dir, n)) : [];
}

function isOpenrc(path: string): boolean {
  try {
    return require('node:fs').readFileSync(path, 'utf8').startsWith('#!/sbin/openrc-run');
  } catch {
    return false;
  }
}

describe.skipIf(!have)(`upgrade over the corpus (${corpus})${CORPUS_SKIP}`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 's6m-upcorpus-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('upgrades services from every kind of evidence and every upgraded tree passes check', () => {
    const byEvidence: Record<string, number> = {};
    const refused: Record<string, number> = {};
    const failures: string[] = [];
    for (const pkg of readdirSync(corpus).sort()) {
      const root = join(corpus, pkg);
      const initd = files(join(root, 'etc/init.d'), () => true);
      const units = files(join(root, 'lib/systemd/system'), (n) => n.endsWith('.service'));
      const plan = planConversion([
        importSysv({ root, files: initd.filter((f) => !isOpenrc(f)) }),
        importOpenrc({ root, files: initd.filter(isOpenrc) }),
        importSystemd({ root, files: units }),
      ]);
      let ws: Workspace = { tree: plan.tree, model: { version: 1, services: plan.services, host: plan.host }, state: emptyState() };
      let upgraded = 0;
      for (const s of plan.services) {
        if (plan.tree.definitions.get(s.name)?.type !== 'oneshot') continue;
        const r = upgrade(ws, s.name, { log: true }, false);
        if (r.ok) {
          ws = r.ws;
          upgraded++;
          byEvidence[r.proposal.fg.evidence] = (byEvidence[r.proposal.fg.evidence] ?? 0) + 1;
        } else {
          refused[r.code] = (refused[r.code] ?? 0) + 1;
          if (process.env.S6M_DEBUG) console.log(pkg, s.name, r.code, r.reason.slice(0, 300));
        }
      }
      if (upgraded === 0) continue;
      const dir = join(tmp, pkg);
      writeTreeForTest(ws.tree, dir);
      const c = checkTree(dir);
      if (!c.ok) failures.push(`${pkg}: ${c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
    }
    console.log('upgraded by evidence', byEvidence, 'refused', refused);
    expect(failures).toEqual([]);
    expect(Object.values(byEvidence).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

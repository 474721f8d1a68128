/**
 * systemd oracle (issue 11): what systemd starts at boot is the transaction it builds for
 * default.target. `systemd-analyze verify --root` runs systemd's own manager on the tree (test mode) and,
 * at debug level, logs every job of that transaction ("X: Installed new job X/start"); its `.service`
 * jobs are the judge. Enablement is made by the real `systemctl --root enable`, as package scripts and
 * admins do. The conversion's compiled `default` (s6-rc-db, both stacks) must start that set, nothing
 * more, or say why. Layouts: the corpus's units with the test machine's targets, every unit with an
 * [Install] enabled (Debian's default), and an admin's host where every third stays disabled.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { CORPUS, CORPUS_PACKAGES, CORPUS_SKIP } from '../support/corpus.js';
import { compare, compiledDefault, report } from '../support/oracle.js';
import { missing, STACKS } from '../support/stacks.js';

const SYSTEM_UNITS = '/lib/systemd/system';
const HAVE_ANALYZE = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0 && existsSync(join(SYSTEM_UNITS, 'multi-user.target'));
const SKIP = CORPUS_SKIP || missing('systemd-analyze and the machine\'s systemd targets (package systemd)', HAVE_ANALYZE);

function buildHost(work: string, variant: 'debian' | 'admin'): string {
  const root = join(work, variant);
  const lib = join(root, 'lib/systemd/system');
  mkdirSync(lib, { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  // The targets systemd itself ships (from this machine's systemd), and default.target as Debian links it.
  for (const t of readdirSync(SYSTEM_UNITS).filter((n) => n.endsWith('.target') && n !== 'default.target')) cpSync(join(SYSTEM_UNITS, t), join(lib, t));
  symlinkSync('graphical.target', join(lib, 'default.target'));
  const units: string[] = [];
  for (const pkg of CORPUS_PACKAGES) {
    for (const dir of ['lib/systemd/system', 'usr/lib/systemd/system']) {
      const from = join(CORPUS, pkg, dir);
      if (!existsSync(from)) continue;
      for (const n of readdirSync(from).sort()) {
        if (existsSync(join(lib, n))) continue;
        cpSync(join(from, n), join(lib, n), { recursive: true, verbatimSymlinks: true });
        if (/\.(service|socket|timer|path)$/.test(n) && !n.includes('@.')) units.push(n);
      }
    }
  }
  // Enabled by the real systemctl, as deb-systemd-helper does for every unit with an [Install].
  let i = 0;
  for (const u of units) {
    if (!/^\[Install\]/m.test(readFileSync(join(lib, u), 'latin1'))) continue;
    if (variant === 'admin' && i++ % 3 === 1) continue;
    spawnSync('systemctl', [`--root=${root}`, '--no-reload', 'enable', u], { stdio: 'ignore' });
  }
  return root;
}

/** systemd's own transaction for default.target: the services it would start. */
function systemdStarts(root: string): string[] {
  const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, '--man=no', 'default.target'], {
    encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_LOG_COLOR: '0' }, timeout: 120_000,
  });
  const jobs = [...r.stderr.matchAll(/^(\S+): Installed new job \1\/start as \d+$/gm)].map((m) => m[1]!);
  if (!jobs.includes('default.target') && !jobs.includes('graphical.target')) throw new Error(`no transaction in systemd-analyze output:\n${r.stderr.slice(-2000)}`);
  return jobs.filter((j) => j.endsWith('.service')).map((j) => j.slice(0, -'.service'.length)).sort();
}

describe.skipIf(SKIP !== '')(`systemd oracle: systemd's transaction for default.target vs the compiled default${SKIP}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-oracle-systemd-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const variant of ['debian', 'admin'] as const) {
    it(`corpus units, ${variant === 'debian' ? 'every [Install] enabled' : 'every third left disabled'}`, () => {
      const root = buildHost(work, variant);
      const out = join(work, `${variant}-source`);
      const r = convertHost({ paths: [], root, out, force: false, init: 'systemd' });
      expect(r.write.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
      const original = systemdStarts(root);
      expect(original.length).toBeGreaterThan(10);
      for (const stack of STACKS) {
        const c = compare(original, compiledDefault(stack, out), r.diagnostics);
        console.log(report(`systemd, corpus (${variant}), s6-rc ${stack.version}`, c));
        expect([...c.onlyOriginal, ...c.onlyOurs].filter((d) => !d.why).map((d) => d.name)).toEqual([]);
      }
    });
  }
});

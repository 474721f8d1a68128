/**
 * The differential execution harness (docs/fidelity.md): the host's start path and the upgraded run
 * script, both executed with the daemon replaced by the recorder, must give the same process state.
 * A fixture shows that it catches each kind of difference; the corpus run must show no difference at
 * "high" and no figure worse than the ones docs/fidelity.md records.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentedFigures, figures, harnessStacks, renderTable, runCorpus } from '../support/fidelity/corpus.js';
import { judgeService, packageContext, upgradedServices, type Upgraded } from '../support/fidelity/harness.js';
import { buildRecorder, cacheDir } from '../support/fidelity/sandbox.js';
import { missing } from '../support/stacks.js';

const corpus = resolve(process.env.S6M_CORPUS ?? '.cache/corpus');
const noRoot = missing('root (unshare, mount, chroot)', process.getuid?.() === 0);
const noTools = missing('unshare, gcc, s6-supervise, /usr/bin/execlineb or /lib/lsb/init-functions', spawnSync('sh', ['-c', 'command -v unshare && command -v gcc && command -v s6-supervise && test -x /usr/bin/execlineb && test -r /lib/lsb/init-functions'], { stdio: 'ignore' }).status === 0);
const noCorpus = missing(`the corpus's .deb files (${corpus}/.debs)`, existsSync(join(corpus, '.debs')));
const stacks = harnessStacks({ '0.6': process.env.S6M_STACK_0_6 });

describe.skipIf(noRoot !== '' || noTools !== '')(`differential execution harness${noRoot}${noTools}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-fidelity-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('on a fixture init script', () => {
    const input = { pkg: 'testd', root: resolve(import.meta.dirname, '../fixtures/fidelity/testd'), programs: ['/usr/sbin/testd'] };
    const { upgraded, services } = upgradedServices(input);
    const testd = upgraded.find((u) => u.service.name === 'testd')!;
    const ctx = () => packageContext(input, services, buildRecorder(), stacks, join(work, 'fixture'));
    const judge = (u: Upgraded) => judgeService(ctx(), u);

    it('the upgraded run script gives the state the script gave, on every stack', () => {
      expect(testd.evidence).toBe('ssd-background');
      const results = judge(testd);
      expect(results.map((r) => [r.stack, r.outcome, r.detail])).toEqual(stacks.map((s) => [s.version, 'equal', '']));
    });

    // Each mutation of the run script is a defect the harness must name (it cannot pass vacuously).
    const mutations: [string, (run: string) => string, RegExp][] = [
      ['no privilege drop', (r) => r.replace(/^"s6-setuidgid" "testd"\n/m, ''), /^uid: \d+ vs 0$/],
      ['another directory', (r) => r.replace('"cd" "/tmp"', '"cd" "/"'), /^cwd: \/tmp vs \/$/],
      ['umask not set', (r) => r.replace(/^"umask" "027"\n/m, ''), /^umask: 0027 vs 0022$/],
      ['an argument lost', (r) => r.replace('"-c" "/etc/testd.conf"', '"-c"'), /^argv: /],
      ['an extra variable', (r) => r.replace(/^"cd"/m, '"export" "EXTRA" "1"\n"cd"'), /^env EXTRA: unset vs "1"$/],
      ['a directory the script did not make', (r) => r.replace(/^"cd"/m, 'if { "/bin/mkdir" "/run/testd" }\n"cd"'), /^file \/run\/testd: absent vs dir 0:0 0755$/],
      ['a daemon that forks', (r) => r.replace(/^"\/usr\/sbin\/testd"/m, '"/bin/sh" "-c" "\\"$@\\" &" "sh" "/usr/sbin/testd"'), /^not supervised/],
    ];
    it.each(mutations)('catches %s', (_name, mutate, expected) => {
      const run = mutate(testd.runScript);
      expect(run).not.toBe(testd.runScript);
      const results = judge({ ...testd, runScript: run });
      for (const r of results) {
        expect(r.outcome).toBe('different');
        expect(r.detail).toMatch(expected);
      }
    });
  });

  // Issue 12's start-time work (src/upgrade/start-work.ts): the run directory and the configuration test
  // the script runs before the daemon, in its order, with /etc/default's words; `$2` branches not taken.
  describe('on a fixture with start-time work', () => {
    const input = { pkg: 'workd', root: resolve(import.meta.dirname, '../fixtures/fidelity/workd'), programs: ['/usr/sbin/workd'] };
    const { upgraded, services } = upgradedServices(input);
    const workd = upgraded.find((u) => u.service.name === 'workd')!;
    const judge = (u: Upgraded) => judgeService(packageContext(input, services, buildRecorder(), stacks, join(work, 'workd')), u);

    it('is upgraded at high confidence and the recorder agrees on every stack', () => {
      expect(workd.confidence).toBe('high');
      expect(judge(workd).map((r) => [r.stack, r.outcome, r.detail])).toEqual(stacks.map((s) => [s.version, 'equal', '']));
    });

    const mutations: [string, (run: string) => string, RegExp][] = [
      ['the run directory not made', (r) => r.replace(/^if \{ "\/bin\/mkdir" .*\n/m, '').replace(/^if \{ "\/bin\/ch(mod|own)" .*\n/gm, ''), /^file \/run\/workd: dir .* vs absent$/],
      ['the configuration test dropped', (r) => r.replace(/^if \{ "\/bin\/sh" "-c" .*-t.*\n/m, ''), /^start-time work: /],
    ];
    it.each(mutations)('catches %s', (_name, mutate, expected) => {
      const run = mutate(workd.runScript);
      expect(run).not.toBe(workd.runScript);
      for (const r of judge({ ...workd, runScript: run })) {
        expect(r.outcome).toBe('different');
        expect(r.detail).toMatch(expected);
      }
    });
  });

  describe.skipIf(noCorpus !== '')(`over the corpus (${corpus})${noCorpus}`, () => {
    it('no difference at "high", and no figure worse than docs/fidelity.md', async () => {
      const results = await runCorpus(corpus, stacks);
      const table = renderTable(results);
      mkdirSync(cacheDir(), { recursive: true });
      writeFileSync(join(cacheDir(), 'last-table.md'), `${table}\n`);
      console.log(table.split('\n').slice(0, 8).join('\n'));
      const f = figures(results);
      const doc = documentedFigures(readFileSync(resolve(import.meta.dirname, '../../docs/fidelity.md'), 'utf8'));
      expect(doc, 'docs/fidelity.md has a fidelity-figures line').toBeDefined();
      const high = results.filter((r) => r.confidence === 'high' && r.outcome === 'different').map((r) => `${r.pkg}/${r.service} (${r.stack}): ${r.detail}`);
      expect(high).toEqual([]);
      expect(f.equal, `equal (table in ${join(cacheDir(), 'last-table.md')})`).toBeGreaterThanOrEqual(doc!.equal);
      expect(f.different, 'different').toBeLessThanOrEqual(doc!.different);
    }, 600_000);
  });
});

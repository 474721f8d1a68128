/**
 * A tree converted with `--root` (a mounted image) is upgraded on the converted system: every message of
 * upgrade, status and the wizard names the paths of that system (`/etc/init.d/x`), never the mount
 * point recorded at convert time. Checked for an absolute and a relative --root.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { propose } from '../../src/upgrade/upgrade.js';
import { describeProposal } from '../../src/upgrade/wizard.js';
import { loadWorkspace } from '../../src/upgrade/workspace.js';
import { runMain } from '../support/run-main.js';

const tmp = mkdtempSync(join(tmpdir(), 's6m-livepaths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function host(root: string): void {
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d/alpha'), [
    '#!/bin/sh',
    '### BEGIN INIT INFO',
    '# Provides: alpha',
    '# Default-Start: 2 3 4 5',
    '# Default-Stop: 0 1 6',
    '### END INIT INFO',
    'case "$1" in',
    '  start) start-stop-daemon --start --background --make-pidfile --pidfile /run/alpha.pid --exec /usr/sbin/alphad ;;',
    '  stop) start-stop-daemon --stop --pidfile /run/alpha.pid ;;',
    'esac',
    '',
  ].join('\n'), { mode: 0o755 });
  mkdirSync(join(root, 'lib/systemd/system'), { recursive: true });
  writeFileSync(join(root, 'lib/systemd/system/job.service'), '[Service]\nType=oneshot\nExecStart=/usr/bin/true\n');
}

describe.each([['absolute'], ['relative']])('a tree converted with an %s --root', (kind) => {
  const root = join(tmp, `${kind}-root`);
  const out = join(tmp, `${kind}-out`);
  host(root);
  const given = kind === 'absolute' ? root : relative(process.cwd(), root);
  const r = convertHost({ paths: [], root: given, out, force: false });

  it('convert itself names the files it read (under --root)', () => {
    expect(r.write.ok).toBe(true);
    expect(r.services.find((s) => s.name === 'alpha')?.sources[0]?.file).toBe(join(given, 'etc/init.d/alpha'));
  });

  it('the wizard shows the evidence at its path on the converted system', () => {
    const ws = loadWorkspace(out).ws!;
    expect(ws.model.services.find((s) => s.name === 'alpha')?.sources[0]?.file).toBe('/etc/init.d/alpha');
    const text = describeProposal(propose(ws, 'alpha', { log: true }), 'alpha');
    expect(text).toMatch(/^Evidence: .* from \/etc\/init\.d\/alpha:8$/m);
    expect(text).not.toContain(given);
  });

  it('the wizard lists what will differ from the run the script gave the daemon', () => {
    const ws = loadWorkspace(out).ws!;
    const text = describeProposal(propose(ws, 'alpha', { log: true }), 'alpha');
    const list = text.slice(text.indexOf('Differs from the original run:'));
    expect(list).toMatch(/^ {2}- supervision: supervised by s6-supervise/m);
    // The script made a pidfile with --make-pidfile; the longrun has none.
    expect(list).toMatch(/pidfile/);
    // Before the diff of the files.
    expect(text.indexOf('Differs from the original run:')).toBeLessThan(text.indexOf('+++'));
  });

  it('upgrade and status name the paths of the converted system', async () => {
    const up = await runMain(['upgrade', 'alpha', 'job', '--in', out]);
    const text = up.out + up.err;
    expect(text).toContain('alpha: upgraded');
    expect(text).toMatch(/^\/lib\/systemd\/system\/job\.service: error: job: not upgraded/m);
    expect(text).not.toContain(given);
    const status = await runMain(['status', '--in', out]);
    expect(status.out + status.err).not.toContain(given);
  });
});

/**
 * Real supervision: a daemon that forks unless told not to, converted to a oneshot wrapper, upgraded to
 * a logged longrun pipeline, then assembled into servicedirs the way s6-rc does for a pipeline (the
 * producer as the service, the logger as its `log/`) and run under Debian's s6-svscan.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { emptyRunFacts, type Service } from '../../src/model/service.js';
import { emitTree } from '../../src/s6rc/emit.js';
import type { S6Definition } from '../../src/s6rc/tree.js';
import { emptyState } from '../../src/state/state.js';
import { upgrade } from '../../src/upgrade/upgrade.js';
import { openrc } from '../upgrade/build.js';
import { writeTreeForTest } from '../upgrade/disk.js';
import { until } from '../support/until.js';
import { startSvscan, stopSvscan } from '../support/svscan.js';
import { describeStacks } from '../support/stacks.js';

const isRoot = process.getuid?.() === 0;


const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

/** What s6-rc-compile copies into a servicedir for a longrun (reference §1.2), minus pipeline plumbing. */
function servicedir(def: S6Definition, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [path, f] of Object.entries(def.files)) {
    if (['producer-for', 'consumer-for', 'pipeline-name'].includes(path)) continue;
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), f.content, { mode: f.mode ?? 0o644 });
  }
}

describeStacks('upgraded daemon under s6-svscan', (stack) => describe.skipIf(!isRoot)(isRoot ? 'as root' : 'skipped: needs root (the daemon runs as nobody)', () => {
  const s6 = (tool: string, ...args: string[]) => spawnSync(stack.tool(tool), args, { encoding: 'utf8', env: stack.env });
  const tmp = mkdtempSync(join(tmpdir(), 's6m-sup-'));
  const state = join(tmp, 'state');
  const scandir = join(tmp, 'scan');
  const logDir = join(tmp, 'log', 'testd');
  const daemon = join(tmp, 'testd.sh');
  let svscan: ChildProcess | undefined;

  beforeAll(() => {
    chmodSync(tmp, 0o755);
    mkdirSync(state, { mode: 0o777 });
    chmodSync(state, 0o777);
    copyFileSync(join(__dirname, '../fixtures/upgrade/testd.sh'), daemon);
    chmodSync(daemon, 0o755);

    // The source: an OpenRC script run by OpenRC's s6 backend, as the importer records it.
    const svc: Service = {
      name: 'testd', format: 'openrc', provides: [], deps: [], startIn: ['runlevel-default'],
      wrapper: { kind: 'oneshot', up: [['/etc/init.d/testd', 'start']], down: [['/etc/init.d/testd', 'stop']] },
      run: emptyRunFacts(),
      sources: [openrc('testd', {
        supervisor: 's6', command: daemon, command_args_foreground: `-f -n 3 -s ${state}`,
        command_user: 'nobody', stopsig: 'INT', notify: 'fd:3', timeout_ready: '5000',
      })],
      findings: [],
      s6Dependencies: [],
    };
    const host = { facilityMembers: {}, bundles: [{ name: 'runlevel-default', contents: ['testd'], reason: 'runlevel default' }, { name: 'default', contents: ['runlevel-default'], reason: 'default' }] };
    const converted = emitTree([svc], host);
    expect(converted.tree.definitions.get('testd')?.type).toBe('oneshot');
    const up = upgrade({ tree: converted.tree, model: { version: 1, services: [svc], host }, state: emptyState() }, 'testd', { log: true, logDir }, false);
    if (!up.ok) throw new Error(up.reason);
    expect(up.proposal.fg.evidence).toBe('openrc');
    writeTreeForTest(up.ws.tree, join(tmp, 'src'));
    const checked = checkTree(join(tmp, 'src'));
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

    servicedir(up.ws.tree.definitions.get('testd-srv')!, join(scandir, 'testd'));
    servicedir(up.ws.tree.definitions.get('testd-log')!, join(scandir, 'testd', 'log'));
    svscan = startSvscan(scandir, stack);
  });

  afterAll(async () => {
    await stopSvscan(svscan, scandir, stack);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('comes up, ready, as the user the source named', async () => {
    await until('the daemon pid', () => read(join(state, 'pid')));
    // The daemon writes its pid, then its user: wait for the second file as well.
    const user = await until('the daemon user', () => read(join(state, 'user')));
    expect(user?.trim()).toBe('nobody');
    const stat = await until('ready state', () => {
      const out = s6('s6-svstat', join(scandir, 'testd')).stdout;
      return /ready/.test(out) && out;
    });
    expect(stat).toMatch(/^up /);
  });

  it('logs stdout and stderr lines through s6-log', async () => {
    const current = await until('both lines in the log', () => {
      const c = read(join(logDir, 'current'));
      return c && c.includes('hello on stdout') && c.includes('hello on stderr') && c;
    });
    // `t` directive: every line starts with a TAI64N stamp.
    expect(current.split('\n')[0]).toMatch(/^@[0-9a-f]{24} testd: hello/);
  });

  it('is restarted after kill -9', async () => {
    const first = (await until('pid', () => read(join(state, 'pid'))))!.trim();
    process.kill(Number(first), 'SIGKILL');
    const second = await until('a new pid', () => {
      const p = read(join(state, 'pid'))?.trim();
      return p && p !== first && p;
    });
    expect(Number(second)).toBeGreaterThan(0);
  });

  it('stops on s6-svc -d with the chosen signal', async () => {
    s6('s6-svc', '-d', join(scandir, 'testd'));
    const sig = await until('the recorded signal', () => read(join(state, 'signal'))?.trim());
    expect(sig).toBe('INT');
    await until('down state', () => /^down/.test(s6('s6-svstat', join(scandir, 'testd')).stdout));
  });
}));

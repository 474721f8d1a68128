/**
 * Real supervision of a converted unit: a `Type=simple` unit (fixture `e2e/longrun/`) converted with
 * `--root` into a longrun; its definition is assembled into a servicedir the way s6-rc-compile would
 * (run, env/, down-signal ...) and run under Debian's s6-svscan. It must run as the unit's User= with
 * its Environment= and WorkingDirectory=, and `s6-svc -d` must stop it with KillSignal=.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCompiles, expectValidates } from '../support/valid-tree.js';
import { describeStacks } from '../support/stacks.js';
import { convertHost, type ConvertResult } from '../../src/pipeline.js';
import { until } from '../support/until.js';
import { startSvscan, stopSvscan } from '../support/svscan.js';

const FIXTURE = join(__dirname, '../fixtures/e2e/longrun');
const isRoot = process.getuid?.() === 0;

const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);


// Files of a longrun source definition that s6-rc-compile copies into the live servicedir (reference
// §1.2); the others (type, dependencies.d, timeout-up/down, pipeline names) stay in the compiled db.
const SERVICEDIR_ENTRIES = ['run', 'finish', 'env', 'data', 'down-signal', 'notification-fd', 'lock-fd', 'timeout-kill', 'timeout-finish', 'max-death-tally'];

function assembleServicedir(definition: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(definition)) {
    if (SERVICEDIR_ENTRIES.includes(entry)) cpSync(join(definition, entry), join(dir, entry), { recursive: true });
  }
}

describe('Type=simple unit converts to a longrun', () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-e2e-longrun-'));
  const root = join(work, 'root');
  const out = join(work, 'out');
  const state = join(work, 'state');
  let converted: ConvertResult;

  beforeAll(() => {
    // The daemon runs as nobody: it must reach its script and write its state.
    chmodSync(work, 0o755);
    mkdirSync(state, { mode: 0o777 });
    chmodSync(state, 0o777);
    mkdirSync(join(work, 'cwd'));
    copyFileSync(join(FIXTURE, 'heartbeatd.sh'), join(work, 'heartbeatd.sh'));
    chmodSync(join(work, 'heartbeatd.sh'), 0o755);
    const unitDir = join(root, 'etc/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    const unit = readFileSync(join(FIXTURE, 'heartbeat.service'), 'utf8').replaceAll('@WORK@', work);
    writeFileSync(join(unitDir, 'heartbeat.service'), unit);
    // Enabled as `systemctl enable` leaves it: [Install] alone starts nothing.
    mkdirSync(join(unitDir, 'multi-user.target.wants'));
    symlinkSync('../heartbeat.service', join(unitDir, 'multi-user.target.wants/heartbeat.service'));
    converted = convertHost({ paths: [], root, out, force: false });
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes a longrun with the unit settings, and the tree passes check', () => {
    expect(converted.write.ok, JSON.stringify(converted.diagnostics, null, 1)).toBe(true);
    const def = join(out, 'heartbeat');
    expect(read(join(def, 'type'))).toBe('longrun\n');
    const run = read(join(def, 'run'))!;
    expect(run.split('\n')[0]).toBe('#!/usr/bin/execlineb -P');
    expect(run).toContain(`"s6-setuidgid" "nobody"`);
    expect(run).toContain(`"cd" "${work}/cwd"`);
    expect(run).toContain(`"${work}/heartbeatd.sh" "${work}/state" "two words" "single quoted" "plain"`);
    expect(read(join(def, 'env/GREETING'))).toBe('hello world\n');
    expect(read(join(def, 'down-signal'))).toBe('INT\n');
    // Linked from multi-user.target.wants/: the service is a member of the multi-user bundle.
    expect(existsSync(join(out, 'multi-user/contents.d/heartbeat'))).toBe(true);
    // Paths written into the tree are the paths on the converted system, never under --root.
    expect(run).not.toContain(root);

    expectValidates(out);
  });

  describeStacks('the real tools', (stack) => {
    const scandir = join(work, `scan-${stack.version}`);
    let svscan: ChildProcess | undefined;
    const s6 = (tool: string, ...args: string[]) => spawnSync(stack.tool(tool), args, { encoding: 'utf8', env: stack.env });

    it('compiles with the real s6-rc-compile', () => {
      expectCompiles(out, [stack]);
    });

    describe.skipIf(!isRoot)(`under the stack's s6-svscan${isRoot ? '' : ' (skipped: needs root, to run the daemon as nobody)'}`, () => {
    beforeAll(() => {
      for (const f of ['pid', 'heartbeat', 'user', 'greeting', 'cwd', 'args', 'signal']) rmSync(join(state, f), { force: true });
      assembleServicedir(join(out, 'heartbeat'), join(scandir, 'heartbeat'));
      svscan = startSvscan(scandir, stack);
    });

    afterAll(async () => {
      await stopSvscan(svscan, scandir, stack);
      // A daemon left behind by a failed assertion must not outlive the test.
      // (Only if that pid is still the daemon: a pid can be reused once the daemon is gone.)
      const pid = Number(read(join(state, 'pid')));
      if (pid > 0 && read(`/proc/${pid}/cmdline`)?.includes('heartbeatd.sh')) process.kill(pid, 'SIGKILL');
    });

    it('comes up as nobody, with the environment and working directory', async () => {
      await until('the daemon pid', () => read(join(state, 'pid')));
      await until('a heartbeat', () => Number(read(join(state, 'heartbeat'))) >= 2);
      expect(read(join(state, 'user'))).toBe('nobody\n');
      expect(read(join(state, 'greeting'))).toBe('hello world\n');
      expect(read(join(state, 'cwd'))).toBe(`${work}/cwd\n`);
      expect(read(join(state, 'args'))).toBe('[two words][single quoted][plain]');
      const stat = s6('s6-svstat', join(scandir, 'heartbeat')).stdout;
      expect(stat).toMatch(/^up /);
      // s6-supervise runs the process the svstat pid names: the daemon itself, exec'd by the run script.
      // (-p: s6 2.15 also prints the pgid in the plain form.)
      expect(s6('s6-svstat', '-p', join(scandir, 'heartbeat')).stdout).toBe(read(join(state, 'pid')));
    });

    it('stops cleanly on s6-svc -d with KillSignal=', async () => {
      s6('s6-svc', '-d', join(scandir, 'heartbeat'));
      expect(await until('the recorded signal', () => read(join(state, 'signal')))).toBe('INT\n');
      const stat = await until('down state', () => {
        const s = s6('s6-svstat', join(scandir, 'heartbeat')).stdout;
        return /^down /.test(s) && s;
      });
      // The trap exits 0: a clean stop, not a death by signal.
      expect(stat).toMatch(/exitcode 0/);
    });
    });
  });
});

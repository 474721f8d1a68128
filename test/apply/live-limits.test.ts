/**
 * apply and rollback on a live system, against both real s6-rc stacks under a real s6-svscan:
 * - a longrun whose readiness never comes (notification-fd, a run script that never writes): apply with
 *   a short --timeout ends with the documented "timed out" exit code, prints progress while it waits,
 *   and leaves `current` and the live database naming the same database, saying what to run next;
 * - an s6-rc-update that ignores its -t is stopped by the deadline, with the same guarantees;
 * - rollback from a database where a oneshot became a longrun brings the oneshot up again (s6-rc-update
 *   alone stops the longrun and starts nothing: the names differ).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_TIMEOUT } from '../../src/cli/exit-codes.js';
import { quoteExeclineWord } from '../../src/s6rc/execline.js';
import { bundleCli, runCli } from './cli-bundle.js';
import { bundleDef, longrunDef, oneshotDef, removeTemps, tempDir, writeSpec } from './helpers.js';
import { describeStacks, type Stack } from '../support/stacks.js';
import { startSvscan, stopSvscan } from '../support/svscan.js';

afterAll(removeTemps);

/** One live system in a temp dir: s6-svscan, COMPILED_ROOT, LIVE, and the CLI run with the stack's PATH. */
function liveSystem(stack: Stack, tag: string) {
  const tmp = tempDir(`s6m-live-${tag}-`);
  const sys = {
    tmp,
    scandir: join(tmp, 'scan'),
    root: join(tmp, 'etc-s6-rc'),
    live: join(tmp, 'run-s6-rc'),
    cli: '',
    svscan: undefined as ChildProcess | undefined,
    tool: (name: string, args: string[]) => spawnSync(stack.tool(name), args, { encoding: 'utf8', timeout: 30_000, env: stack.env }),
    s6migrate: (args: string[], env: NodeJS.ProcessEnv = stack.env) =>
      runCli(sys.cli, [...args, '--compiled-root', sys.root, '--live', sys.live], { ...env, NO_COLOR: '1' }),
    current: () => readlinkSync(join(sys.root, 'current')),
    liveDb: () => realpathSync(join(sys.live, 'compiled')),
    up: () => sys.tool('s6-rc', ['-l', sys.live, '-a', 'list']).stdout.split('\n').filter(Boolean),
    /** First apply, then boot it as the printed commands say. */
    boot(src: string) {
      const first = sys.s6migrate(['apply', src, '--scandir', sys.scandir]);
      expect(first.code, first.stderr).toBe(0);
      expect(sys.tool('s6-rc-init', ['-c', join(sys.root, 'current'), '-l', sys.live, sys.scandir]).status).toBe(0);
      const up = sys.tool('s6-rc', ['-l', sys.live, '-u', 'change', 'default']);
      expect(up.status, up.stderr).toBe(0);
    },
  };
  beforeAll(() => {
    sys.cli = bundleCli();
    mkdirSync(sys.scandir);
    sys.svscan = startSvscan(sys.scandir, stack);
  });
  afterAll(async () => {
    sys.tool('s6-rc', ['-l', sys.live, stack.version === '0.6' ? '-Da' : '-da', '-t', '10000', 'change']);
    await stopSvscan(sys.svscan, sys.scandir, stack, 5000);
  });
  return sys;
}

describeStacks('apply --timeout on a service that never becomes ready', (stack) => {
  const sys = liveSystem(stack, 'timeout');
  const src = join(sys.tmp, 'src');
  // Ready at once without notification-fd; with it, s6-supervise waits for a line that never comes.
  const slow = (notify: boolean) => longrunDef('#!/bin/sh\nexec sleep 1000\n', notify ? { 'notification-fd': '3\n' } : {});

  it('exits "timed out" with progress on stderr; current and the live database agree; says what to run', () => {
    writeSpec(src, { slow: slow(false), default: bundleDef('slow') });
    sys.boot(src);
    const before = sys.current();
    writeSpec(src, { slow: slow(true) });
    const started = Date.now();
    const r = sys.s6migrate(['apply', src, '--timeout', '6']);
    const took = Date.now() - started;
    expect(r.code, r.stdout + r.stderr).toBe(EXIT_TIMEOUT);
    expect(took).toBeLessThan(30_000);
    expect(r.stderr).toMatch(/still waiting for s6-rc-update .*: \d+ s \(limit 6 s, --timeout\)/);
    // s6-rc-update's own -t: it switched, then the start timed out (its exit 2).
    expect(sys.current()).not.toBe(before);
    expect(sys.liveDb()).toBe(realpathSync(join(sys.root, sys.current())));
    expect(r.stdout).toContain(`current and ${sys.live}/compiled both name ${sys.current()}`);
    expect(r.stdout).toContain(`to start what is still down: s6-rc -l ${sys.live} -u change`);
    expect(r.stdout).toMatch(/-u change .*\bslow\b/);
  });

  it('an s6-rc-update that ignores its -t is stopped at the deadline; current still agrees with the live database', () => {
    const bin = tempDir('s6m-hang-bin-');
    // -n passes through to the real one; the real run hangs and ignores -t.
    writeFileSync(join(bin, 's6-rc-update'), `#!/bin/sh\ncase " $* " in *" -n "*) exec ${stack.tool('s6-rc-update')} "$@";; esac\nexec sleep 1000\n`, { mode: 0o755 });
    writeSpec(src, { slow: slow(false) });
    rmSync(join(src, 'slow', 'notification-fd'));
    const before = sys.current();
    const r = sys.s6migrate(['apply', src, '--timeout', '1'], { ...stack.env, PATH: `${bin}:${stack.path}` });
    expect(r.code, r.stdout + r.stderr).toBe(EXIT_TIMEOUT);
    expect(r.stderr).toContain('s6-rc-update did not finish within 1 s (--timeout) and was stopped');
    expect(sys.current()).toBe(before);
    expect(sys.liveDb()).toBe(realpathSync(join(sys.root, before)));
    expect(spawnSync('pgrep', ['-f', `${bin}/s6-rc-update`]).status).not.toBe(0);
  });
});

describeStacks('rollback brings up what the previous database had up', (stack) => {
  const sys = liveSystem(stack, 'rollback');
  const v1 = join(sys.tmp, 'v1');
  const v2 = join(sys.tmp, 'v2');
  const mark = join(sys.tmp, 'mark');
  const up = `${['/bin/sh', '-c', `echo up >> ${mark}`].map(quoteExeclineWord).join(' ')}\n`;

  it('db1 (a oneshot, up) -> db2 (the job as a longrun in a same-named bundle) -> rollback: the oneshot is up again', () => {
    writeSpec(v1, { job: oneshotDef(up), default: bundleDef('job') });
    // As the upgrade writes it: the longrun under a new name, the old name a bundle of it.
    writeSpec(v2, { 'job-srv': longrunDef('#!/bin/sh\nexec sleep 1000\n'), job: bundleDef('job-srv'), default: bundleDef('job') });
    sys.boot(v1);
    expect(readFileSync(mark, 'utf8')).toBe('up\n');
    expect(sys.up()).toContain('job');

    const forward = sys.s6migrate(['apply', v2]);
    expect(forward.code, forward.stdout + forward.stderr).toBe(0);
    expect(sys.up()).toContain('job-srv');
    expect(sys.up()).not.toContain('job');

    const back = sys.s6migrate(['rollback']);
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(back.stdout).toContain('bringing up what was up before the switch: default, job');
    expect(sys.up()).toContain('job');
    expect(sys.up()).not.toContain('job-srv');
    expect(readFileSync(mark, 'utf8')).toBe('up\nup\n');
  });
});

/**
 * The upgraded longrun's `finish` kills what its daemon left in its process group (nginx's workers after
 * a kill -9 of the master kept its sockets, so the restarted master looped on bind(); seen on the booted
 * Debian host). Under the real s6-svscan of each stack: a run script whose program forks a child, the
 * program SIGKILLed, the child must be gone and the service back.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupCleanupFinish, renderRunScript } from '../../src/s6rc/run-script.js';
import { RUN_PGID_FILE } from '../../src/upgrade/longrun.js';
import { startSvscan, stopSvscan } from '../support/svscan.js';
import { describeStacks } from '../support/stacks.js';
import { until } from '../support/until.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is gone for our purpose (its parent, init of this runner, reaps it later).
  return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
};

describeStacks('finish kills the dead daemon\'s process group', (stack) => {
  const tmp = mkdtempSync(join(tmpdir(), 's6m-fin-'));
  const scandir = join(tmp, 'scan');
  const svc = join(scandir, 'd');
  const pids = join(tmp, 'pids');
  let svscan: ChildProcess | undefined;

  afterAll(async () => {
    spawnSync(stack.tool('s6-svc'), ['-d', svc], { stdio: 'ignore', env: stack.env });
    await stopSvscan(svscan, scandir, stack);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a child left behind by a SIGKILLed daemon is killed, and the daemon restarts', async () => {
    mkdirSync(svc, { recursive: true });
    // The "daemon": starts a child (a worker), records both pids, stays in the foreground.
    const daemon = `sleep 1000 & echo "$$ $!" >> ${pids}; exec sleep 1001`;
    writeFileSync(join(svc, 'run'), renderRunScript({ argv: ['/bin/sh', '-c', daemon], stderrToStdout: true, pgidFile: RUN_PGID_FILE, workdir: '/' }), { mode: 0o755 });
    writeFileSync(join(svc, 'finish'), groupCleanupFinish(RUN_PGID_FILE), { mode: 0o755 });
    svscan = startSvscan(scandir, stack);
    const first = await until('daemon started', () => existsSync(pids) && readFileSync(pids, 'utf8').trim().split('\n')[0]?.split(' ').map(Number));
    const [master, worker] = first as [number, number];
    expect(readFileSync(join(svc, RUN_PGID_FILE), 'utf8').trim()).toBe(String(master));
    expect(alive(worker)).toBe(true);
    process.kill(master, 'SIGKILL');
    await until('worker killed', () => !alive(worker));
    // Restarted, with its own group recorded for the next finish.
    const second = await until('daemon restarted', () => readFileSync(pids, 'utf8').trim().split('\n')[1]?.split(' ').map(Number));
    await until('new group recorded', () => existsSync(join(svc, RUN_PGID_FILE)) && readFileSync(join(svc, RUN_PGID_FILE), 'utf8').trim() === String(second[0]));
    expect(alive(second[1]!)).toBe(true);
  });
});

/**
 * s6-svscan for tests, started and stopped the one safe way: its stdio never inherits the runner's (a
 * leftover holding the runner's output open can hang CI), and teardown asks it to exit
 * (`s6-svscanctl -t`), then kills it if it has not gone within the grace period.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export function startSvscan(scandir: string): ChildProcess {
  return spawn('s6-svscan', [scandir], { stdio: 'ignore' });
}

export async function stopSvscan(svscan: ChildProcess | undefined, scandir: string, graceMs = 3000): Promise<void> {
  if (!svscan) return;
  spawnSync('s6-svscanctl', ['-t', scandir], { stdio: 'ignore' });
  if (svscan.exitCode !== null || svscan.signalCode !== null) return;
  const exited = new Promise((r) => svscan.once('exit', r));
  const late = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(() => r(true), graceMs))]);
  if (late) {
    svscan.kill('SIGKILL');
    await exited;
  }
}

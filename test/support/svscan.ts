/**
 * s6-svscan for tests, started and stopped the one safe way: its stdio never inherits the runner's (a
 * leftover holding the runner's output open can hang CI), and teardown asks it to exit
 * (`s6-svscanctl -t`), then kills it if it has not gone within the grace period.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Stack } from './stacks.js';

/** The stack's s6-svscan (0.5: Debian's; 0.6: its own), with the stack first on PATH for what it runs. */
export function startSvscan(scandir: string, stack: Stack): ChildProcess {
  return spawn(stack.tool('s6-svscan'), [scandir], { stdio: 'ignore', env: stack.env });
}

export async function stopSvscan(svscan: ChildProcess | undefined, scandir: string, stack: Stack, graceMs = 3000): Promise<void> {
  if (!svscan) return;
  spawnSync(stack.tool('s6-svscanctl'), ['-t', scandir], { stdio: 'ignore', env: stack.env });
  if (svscan.exitCode !== null || svscan.signalCode !== null) return;
  const exited = new Promise((r) => svscan.once('exit', r));
  const late = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(() => r(true), graceMs))]);
  if (late) {
    svscan.kill('SIGKILL');
    await exited;
  }
}

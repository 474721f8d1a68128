/**
 * A booted test host: the root tarball laid out on a tmpfs inside private pid, mount, network, uts and
 * ipc namespaces (boot-ns.sh), with s6-svscan as its pid 1. Commands run inside it with nsenter, chrooted
 * like the host's own processes; the test reads its files through /proc/PID/root. Teardown kills the
 * namespace's pid 1 by pid, which takes every process of the host with it, and the mounts go with the
 * namespace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { until } from '../support/until.js';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BootedHost {
  /** Host pid of the namespace's pid 1 (s6-svscan once booted). */
  pid: number;
  /** The host's / as seen from outside. */
  root: string;
  /** s6-svscan's and the services' default output. */
  consoleLog: string;
  /** Runs argv inside the host (its root, namespaces and PATH); never throws. */
  run(argv: string[], opts?: { timeoutMs?: number; input?: string }): RunResult;
  /** `run` without blocking the test worker (vitest fails a run whose worker is deaf for a minute). */
  runAsync(argv: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** bash -c script inside the host. */
  sh(script: string, timeoutMs?: number): RunResult;
  stop(): Promise<void>;
}

const bootScript = resolve(import.meta.dirname, 'boot-ns.sh');

function childPid(parent: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function exeOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}

export async function bootHost(tarball: string, stackBin: string, cli: string): Promise<BootedHost> {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 's6m-host-'));
  const mnt = join(dir, 'root');
  spawnSync('mkdir', [mnt]);
  const consoleLog = join(dir, 'console.log');
  const out = openSync(consoleLog, 'a');
  // If this test process dies without teardown, the host dies too: setpriv's parent-death signal takes
  // unshare, whose --kill-child takes the namespace's pid 1, which takes everything in the namespace.
  const unshare: ChildProcess = spawn(
    'setpriv',
    ['--pdeathsig', 'KILL', 'unshare', '--kill-child=KILL', '--pid', '--fork', '--mount', '--net', '--uts', '--ipc', '--propagation', 'private',
      'bash', bootScript, mnt, tarball, stackBin, cli],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  let pid = 0;
  await until(
    'the test host to boot',
    () => {
      if (unshare.exitCode !== null) return true;
      const c = unshare.pid === undefined ? undefined : childPid(unshare.pid);
      if (c !== undefined && exeOf(c).endsWith('/s6-svscan')) pid = c;
      return pid !== 0;
    },
    120_000,
  ).catch(() => undefined);
  const env = ['env', '-i', `PATH=${stackBin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, 'HOME=/root', 'LANG=C.UTF-8', 'TERM=dumb'];
  const run = (argv: string[], opts: { timeoutMs?: number; input?: string } = {}): RunResult => {
    const r = spawnSync('nsenter', ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', ...env, ...argv], {
      encoding: 'utf8',
      input: opts.input,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') };
  };
  const runAsync = (argv: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> =>
    new Promise((done) => {
      const child = spawn('nsenter', ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', ...env, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
      child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', (e) => { stderr += `\n${e.message}`; });
      child.on('close', (status) => {
        clearTimeout(timer);
        done({ status, stdout, stderr });
      });
    });
  const host: BootedHost = {
    pid,
    root: `/proc/${pid}/root`,
    consoleLog,
    run,
    runAsync,
    sh: (script, timeoutMs) => run(['bash', '-c', script], { timeoutMs }),
    async stop() {
      if (unshare.exitCode === null && unshare.signalCode === null) {
        const exited = new Promise((r) => unshare.once('exit', r));
        // SIGKILL to the namespace's pid 1 kills every process in it; unshare then exits.
        if (pid) process.kill(pid, 'SIGKILL');
        else unshare.kill('SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (unshare.exitCode === null && unshare.signalCode === null) unshare.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (pid === 0) {
    const why = readFileSync(consoleLog, 'utf8');
    await host.stop();
    throw new Error(`the test host did not boot:\n${why}`);
  }
  return host;
}

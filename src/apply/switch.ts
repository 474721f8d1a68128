/**
 * Running s6-rc-compile and s6-rc-update, and what their exit codes mean. Every path handed to them is
 * absolute (s6-rc-update refuses relative ones; reference §5.4) and every argument is passed as an argv
 * element, never through a shell.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface ToolRun {
  argv: string[];
  code: number;
  /** stderr then stdout, as the tool printed them. */
  output: string;
}

function run(argv: string[], timeoutMs?: number): ToolRun {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  const output = (r.stderr ?? '') + (r.stdout ?? '') + (r.error ? `${r.error.message}\n` : '');
  // Killed by a signal: report it as the shell would (128 + n), never as success.
  const code = r.status ?? (r.signal ? 128 + (signalNumber(r.signal) ?? 0) : 111);
  return { argv, code, output };
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return table[sig];
}

/** s6-rc-compile DEST SRC: DEST must not exist, its parent must (reference §1.1). */
export function compile(exe: string, dest: string, src: string): ToolRun {
  return run([exe, '-v', '1', dest, src], 300_000);
}

export interface UpdateArgs {
  exe: string;
  live: string;
  newDb: string;
  convFile?: string;
  dryRun: boolean;
  /** s6-rc-update's own -t (milliseconds; both 0.5 and 0.6 have it); absent or 0: none. */
  timeoutMs?: number;
}

export function updateArgv(a: UpdateArgs): string[] {
  const argv = [a.exe];
  if (a.dryRun) argv.push('-n');
  if (a.timeoutMs) argv.push('-t', String(a.timeoutMs));
  argv.push('-l', a.live);
  if (a.convFile !== undefined) argv.push('-f', a.convFile);
  argv.push(a.newDb);
  return argv;
}

/** The dry run (-n) only computes; a minute is plenty. */
export function update(a: UpdateArgs): ToolRun {
  return run(updateArgv(a), 60_000);
}

export interface Wait {
  /** The limit given to the tool (its -t); 0: none. */
  timeoutMs: number;
  /** The environment to run it in (its PATH finds what the tool execs). */
  env?: NodeJS.ProcessEnv;
  /** Called every `everyMs` while the tool runs, with the time waited so far. */
  progress?: (elapsedMs: number) => void;
  everyMs?: number;
}

export interface LiveRun extends ToolRun {
  /** The tool overran its own -t by GRACE_MS and was killed (with everything it started) by us. */
  killed: boolean;
  /**
   * It ran into its limit: killed, or failed after at least the -t it was given. (s6-rc-update 0.5 says
   * exit 2 or 10 for that; 0.6 says 1 or 9, its s6-svlisten having timed out: the time is the one sign.)
   */
  timedOut: boolean;
}

/** Default for --timeout: long enough for slow daemons, short of leaving an admin staring at nothing. */
export const DEFAULT_TIMEOUT_SECONDS = 300;

/** How long past its own -t a tool may run before it is killed: its -t covers transitions, not cleanup. */
export const GRACE_MS = 10_000;

/**
 * Runs a tool that changes the live state (s6-rc-update, s6-rc -u), reporting progress while it waits.
 * It runs in its own process group, so that killing it after the deadline also stops the s6-rc it
 * exec'd into and the helpers that one spawned.
 */
export function runLive(argv: string[], wait: Wait): Promise<LiveRun> {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: wait.env ?? process.env });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const ticker = wait.progress ? setInterval(() => wait.progress!(Date.now() - started), wait.everyMs ?? 5000) : undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    const deadline = wait.timeoutMs > 0
      ? setTimeout(() => {
          killed = true;
          killGroup('SIGTERM');
          setTimeout(() => killGroup('SIGKILL'), 2000).unref();
        }, wait.timeoutMs + GRACE_MS)
      : undefined;
    const finish = (code: number, extra = '') => {
      if (ticker) clearInterval(ticker);
      if (deadline) clearTimeout(deadline);
      const overran = wait.timeoutMs > 0 && code !== 0 && Date.now() - started >= wait.timeoutMs;
      resolveRun({ argv, code, output: err + out + extra, killed, timedOut: killed || overran });
    };
    child.on('error', (e) => finish(111, `${e.message}\n`));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 111)));
  });
}

/** The switch itself, with s6-rc-update's own -t and our deadline behind it. */
export function updateLive(a: Omit<UpdateArgs, 'dryRun' | 'timeoutMs'>, wait: Wait): Promise<LiveRun> {
  return runLive(updateArgv({ ...a, dryRun: false, timeoutMs: wait.timeoutMs }), wait);
}

/**
 * s6-rc-update's documented exit codes (reference §5.4). `switched` is what the code implies; apply
 * also checks `LIVE/compiled` afterwards, which is the truth.
 */
export const UPDATE_EXIT: ReadonlyMap<number, { switched: boolean | 'unknown'; meaning: string }> = new Map([
  [0, { switched: true, meaning: 'database switched, all transitions succeeded' }],
  [1, { switched: true, meaning: 'database switched, but some services failed to start (s6-rc -u change failed)' }],
  [2, { switched: true, meaning: 'database switched, but starting services timed out' }],
  [3, { switched: false, meaning: 'a name in the conversion file is not a service of the live database; nothing was changed' }],
  [4, { switched: false, meaning: 'invalid database (the live or the new one); nothing was changed' }],
  [5, { switched: false, meaning: 'a name in the conversion file is not an atomic service of the live database; nothing was changed' }],
  [6, { switched: false, meaning: 'a service appears twice in the conversion file; nothing was changed' }],
  [9, { switched: false, meaning: 'stopping old services failed; database NOT switched, some services may now be down' }],
  [10, { switched: false, meaning: 'stopping old services timed out; database NOT switched, some services may now be down' }],
  [100, { switched: 'unknown', meaning: 'usage error, or s6-svscan is not running on LIVE/scandir' }],
  [111, { switched: 'unknown', meaning: 'system error (permissions, locks, disk)' }],
  [126, { switched: true, meaning: 'database switched, but s6-rc could not be executed to start the new services' }],
  [127, { switched: true, meaning: 'database switched, but s6-rc was not found to start the new services' }],
]);

export function explainUpdateExit(code: number): string {
  return UPDATE_EXIT.get(code)?.meaning ?? `unexpected exit code ${code}`;
}

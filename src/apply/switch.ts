/**
 * Running s6-rc-compile and s6-rc-update, and what their exit codes mean. Every path handed to them is
 * absolute (s6-rc-update refuses relative ones; reference §5.4) and every argument is passed as an argv
 * element, never through a shell.
 */
import { spawnSync } from 'node:child_process';

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
}

export function updateArgv(a: UpdateArgs): string[] {
  const argv = [a.exe];
  if (a.dryRun) argv.push('-n');
  argv.push('-l', a.live);
  if (a.convFile !== undefined) argv.push('-f', a.convFile);
  argv.push(a.newDb);
  return argv;
}

/** No timeout: stopping and starting services takes as long as they take (s6-rc has its own -t). */
export function update(a: UpdateArgs): ToolRun {
  return run(updateArgv(a));
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

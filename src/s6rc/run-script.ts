/**
 * Longrun `run` scripts: an execline chain that sets up the process state, then execs the daemon.
 * Every word goes through `execlineLine`, so the daemon receives its argv byte for byte.
 * Order matters (reference §7.8): `./env` is relative to the servicedir, so s6-envdir comes before `cd`;
 * privileges are dropped last so directories, limits and umask are made/set while still root.
 */
import { EXECLINE_SHEBANG, execlineLine } from './execline.js';

export interface RunScriptSpec {
  /**
   * Write the run script's pid to this file of the servicedir first. s6-supervise makes the run script a
   * session leader, so the pid is the process group the daemon and its children share (see
   * `GROUP_CLEANUP_FINISH`); through /bin/sh's environment, since generated scripts never substitute.
   */
  pgidFile?: string;
  /** The daemon's argv; argv[0] should be an absolute path (the supervision tree's PATH is minimal). */
  argv: string[];
  /** Send stderr down the same pipe as stdout (producers in a log pipeline). */
  stderrToStdout?: boolean;
  /** Read `./env/` (s6-envdir) — variables from the source's Environment= and similar. */
  envDir?: boolean;
  /**
   * Environment files read at start, in order. `shell` files are sourced by /bin/sh as the init script or
   * openrc-run sources them: only what the file itself exports reaches the daemon.
   */
  envFiles?: { path: string; optional: boolean; syntax: 'shell' | 'envfile'; exportAll?: boolean }[];
  workdir?: string;
  umask?: string;
  /** Send stdout / stderr to /dev/null (systemd StandardOutput=null, StandardError=null). */
  discard?: { stdout: boolean; stderr: boolean };
  /** s6-softlimit flags: letter -> value (`o` -> `4096`). */
  limits?: Record<string, string>;
  /** Variables the source's manager set from the account (see `accountEnvCommand`), before the drop. */
  accountEnv?: { user: string; style: 'systemd' | 'start-stop-daemon' };
  /** Account name (or numeric `uid:gid`) for s6-setuidgid; it does not accept `user:group` names. */
  user?: string;
  /**
   * Directories made before anything else runs (systemd RuntimeDirectory= and friends): `mkdir -p -m MODE`,
   * then `chown OWNER` when an owner (`user` or `user:group`) is given. Done while still root.
   */
  directories?: DirectorySpec[];
  /** Readiness polled by s6-notifyoncheck (must run before `cd`: it reads ./data/check). */
  notifyOnCheck?: { fd: number; checkArgs?: string[] };
  /**
   * Arguments the shell that sources the `shell` env file `file` appends to the chain, after the file is
   * read: `shellWords` are /bin/sh text (the init script's own spelling), expanded with globbing off.
   * `presets` give the script's values before the file is sourced (null: unset).
   */
  liveArgs?: { file: string; shellWords: string[]; presets: [string, string | null][] };
  /**
   * Start-time work run before the daemon, after the process state is set and before the privilege
   * drop (each argv carries its own drop when it runs as the account): `if` stops the start on failure,
   * `foreground` (systemd's `-` prefix) goes on.
   */
  prelude?: { argv: string[]; ignoreFailure: boolean }[];
}

/**
 * The variables the source's manager sets from the account the daemon runs as, looked up at each start
 * (getent): systemd sets USER, LOGNAME, HOME and SHELL for User= (systemd.exec(5)); start-stop-daemon
 * --chuid sets HOME when the account's home directory exists. s6-setuidgid sets none of them.
 */
export function accountEnvCommand(a: { user: string; style: 'systemd' | 'start-stop-daemon' }): string[] {
  const set = a.style === 'systemd'
    ? 'export USER="$u" LOGNAME="$u" HOME="$h" SHELL="$s"'
    : 'if [ -d "$h" ]; then export HOME="$h"; fi';
  // name:pw:uid:gid:gecos:home:shell; the user name is a positional parameter, never shell text.
  return ['/bin/sh', '-c', `u=$1; shift; e=$(getent passwd "$u") || exit 111; h=\${e#*:*:*:*:*:}; s=\${h#*:}; h=\${h%%:*}; ${set}; exec "$@"`, 'sh', a.user];
}

export interface DirectorySpec {
  /** Absolute path. */
  path: string;
  /** Octal mode, e.g. `0755`. */
  mode: string;
  /** `user` or `user:group` for chown; absent: left to root. */
  owner?: string;
}

/** One word for /bin/sh: single-quoted, so nothing in it is expanded. */
export function shellQuoteWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Coreutils on Debian; absolute because the supervision tree's PATH is minimal. */
export const MKDIR_PROGRAM = '/bin/mkdir';
export const CHOWN_PROGRAM = '/bin/chown';

/**
 * The commands making the directories, in order. `-m` applies to the last component only (parents get
 * the umask's default), as with systemd, which makes the parents 0755.
 */
export function directoryCommands(dirs: readonly DirectorySpec[]): string[][] {
  return dirs.flatMap((d) => [
    [MKDIR_PROGRAM, '-p', '-m', d.mode, d.path],
    ...(d.owner ? [[CHOWN_PROGRAM, d.owner, d.path]] : []),
  ]);
}

/** Directory specs from the run facts, owned by the account the service runs as (systemd: User=/Group=). */
export function directorySpecs(dirs: readonly { path: string; mode: string }[] | undefined, account: { user?: string; group?: string }): DirectorySpec[] {
  const owner = account.user ? (account.group ? `${account.user}:${account.group}` : account.user) : undefined;
  return (dirs ?? []).map((d) => ({ path: d.path, mode: d.mode, ...(owner ? { owner } : {}) }));
}

type EnvFileSpec = NonNullable<RunScriptSpec['envFiles']>[number];

/**
 * The chain prefix that reads one environment file: execline's `envfile` for systemd syntax; for shell
 * syntax a shell sourcing it without `set -a` (the script's shell does not export what it sources either:
 * the differential harness showed `set -a` adding every variable to the daemon's environment), the path and the rest of the chain passed as positional
 * parameters, never pasted into the shell text (with `live`, the init script's own argument words too).
 */
export function envFileCommand(f: EnvFileSpec, live?: RunScriptSpec['liveArgs']): string[] {
  if (f.syntax === 'envfile') return f.optional ? ['envfile', '-I', f.path] : ['envfile', f.path];
  // `set -a` only where the script had it on when it sourced the file (EnvFile.exportAll).
  const [on, off] = f.exportAll ? ['set -a; ', '; set +a'] : ['', ''];
  const test = f.optional ? `if [ -r "$1" ]; then ${on}. "$1"${off}; fi` : `${on}. "$1" || exit 111${off}`;
  const script = live
    ? `${live.presets.map(([name, value]) => (value === null ? `unset ${name}` : `${name}=${shellQuoteWord(value)}`)).concat(test).join('; ')}; set -f; shift; exec "$@" ${live.shellWords.join(' ')}`
    : `${test}; shift; exec "$@"`;
  return ['/bin/sh', '-c', script, 'sh', f.path];
}

/**
 * The commands that set up the process before the privilege drop, in the order they must run: the
 * environment files, `cd`, `umask`, `s6-softlimit`. Shared by run scripts (one line each) and by a
 * unit's oneshot commands (prefixed to each command, src/s6rc/unit-commands.ts).
 */
export function processStateCommands(spec: Pick<RunScriptSpec, 'envFiles' | 'workdir' | 'umask' | 'limits' | 'liveArgs' | 'discard'>): string[][] {
  // Output thrown away first (after a run script's `fdmove -c 2 1`, so a kept stderr still reaches the logger).
  const commands: string[][] = [];
  if (spec.discard?.stdout) commands.push(['redirfd', '-w', '1', '/dev/null']);
  if (spec.discard?.stderr) commands.push(['redirfd', '-w', '2', '/dev/null']);
  commands.push(...(spec.envFiles ?? []).map((f) => envFileCommand(f, spec.liveArgs?.file === f.path ? spec.liveArgs : undefined)));
  if (spec.workdir) commands.push(['cd', spec.workdir]);
  if (spec.umask) commands.push(['umask', spec.umask]);
  const limitArgs = Object.entries(spec.limits ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([flag, value]) => [`-${flag}`, value]);
  if (limitArgs.length > 0) commands.push(['s6-softlimit', ...limitArgs]);
  return commands;
}

export function renderRunScript(spec: RunScriptSpec): string {
  const lines: string[] = [EXECLINE_SHEBANG];
  if (spec.stderrToStdout) lines.push(execlineLine(['fdmove', '-c', '2', '1']));
  if (spec.pgidFile) {
    lines.push(execlineLine(['getpid', 'S6M_RUN_PID']));
    lines.push(`foreground { ${execlineLine(['/bin/sh', '-c', 'echo "$S6M_RUN_PID" > "$1"', 'sh', './' + spec.pgidFile])} }`);
    lines.push(execlineLine(['unexport', '?']), execlineLine(['unexport', 'S6M_RUN_PID']));
  }
  // After fdmove so a failing mkdir is logged; `mkdir -p -m` leaves an existing directory's mode alone
  // (systemd does not fix it either for an existing directory, it only logs the difference).
  for (const argv of directoryCommands(spec.directories ?? [])) lines.push(`if { ${execlineLine(argv)} }`);
  if (spec.envDir) lines.push(execlineLine(['s6-envdir', './env']));
  if (spec.notifyOnCheck) {
    const n = spec.notifyOnCheck;
    const check = n.checkArgs ? ['-c', n.checkArgs.map((w) => execlineLine([w])).join(' ')] : [];
    lines.push(execlineLine(['s6-notifyoncheck', '-d', '-3', String(n.fd), ...check]));
  }
  for (const argv of processStateCommands(spec)) lines.push(execlineLine(argv));
  for (const p of spec.prelude ?? []) {
    lines.push(`${p.ignoreFailure ? 'foreground' : 'if'} { ${execlineLine(p.argv)} }`);
    // foreground exports the exit code as `?`: the daemon never had it (seen by the differential harness).
    if (p.ignoreFailure) lines.push(execlineLine(['unexport', '?']));
  }
  if (spec.accountEnv) lines.push(execlineLine(accountEnvCommand(spec.accountEnv)));
  if (spec.user) lines.push(execlineLine(['s6-setuidgid', spec.user]));
  lines.push(execlineLine(spec.argv));
  return lines.join('\n') + '\n';
}

/**
 * `finish` of an upgraded daemon: SIGKILL to what is left of the run script's process group (its pid, read
 * from `pgidFile`). What a daemon leaves behind keeps running otherwise: nginx's workers after a kill -9
 * of the master hold its sockets, so every restarted master fails on bind(). systemd kills the whole
 * control group (KillMode=control-group); this is the process-group equivalent. (s6 2.12 passes the group
 * as $4; Debian 12's s6 2.11 does not.) The file is removed so a later finish never reads a stale group.
 */
export function groupCleanupFinish(pgidFile: string): string {
  return [
    '#!/bin/sh',
    `read pgid < ./${pgidFile} || exit 0`,
    `rm -f ./${pgidFile}`,
    'case "$pgid" in \'\'|0|1|*[!0-9]*) exit 0 ;; esac',
    // dash's kill takes no `--`; a negative number after the signal is a process group there and in bash.
    'kill -9 "-$pgid" 2>/dev/null',
    'exit 0',
  ].join('\n') + '\n';
}

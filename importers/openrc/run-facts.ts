/**
 * From resolved OpenRC variables to `RunFacts`: how openrc-run would start the daemon. The argv follows
 * the supervisor's shell code: start-stop-daemon.sh runs
 *   `eval start-stop-daemon --start --exec $command ... -- $command_args $command_args_background`
 * and supervise-daemon.sh / s6.sh use `$command_args_foreground` instead. `eval` re-reads the values as
 * shell text, so quotes inside `command_args` group words: the values are lexed again here.
 */
import type { Finding, Limits, Origin, RunFacts } from '../../src/model/service.js';
import { emptyRunFacts } from '../../src/model/service.js';
import { lex } from './shell-lexer.js';
import { expandFields, type VarStore, type VarValue } from './expand.js';

export interface SplitResult {
  words: string[];
  unresolved: string[];
  unset: string[];
  /** Shell operators (`;`, `>`, `|`) found in the value: not plain arguments. */
  operators: string[];
}

/** Splits a variable's value into words the way `eval ... $var` would. */
export function splitValue(value: string, store: VarStore, origin: Origin): SplitResult {
  const out: SplitResult = { words: [], unresolved: [], unset: [], operators: [] };
  const { tokens } = lex(value);
  for (const t of tokens) {
    if (t.type === 'op') { out.operators.push(t.op === 'redir' ? 'redirection' : t.op); continue; }
    const e = expandFields(t.word, store, origin);
    out.words.push(...e.fields);
    out.unresolved.push(...e.unresolved);
    out.unset.push(...e.unset);
  }
  return out;
}

/** Signal numbers start-stop-daemon accepts in a schedule (signal(7), Linux x86/arm values). */
const SIGNAL_NUMBERS: Record<string, string> = { '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '10': 'USR1', '12': 'USR2', '14': 'ALRM', '15': 'TERM' };

/** `retry`: `SIGTERM/30/SIGKILL/5`, `TERM/30`, or a bare timeout `30` (TERM, then KILL; start-stop-daemon(8)). */
export function parseRetry(retry: string): { signal?: string; timeoutSec?: number } {
  const items = retry.trim().split('/');
  if (items.length === 1 && /^\d+$/.test(items[0]!)) return { timeoutSec: Number(items[0]) };
  const out: { signal?: string; timeoutSec?: number } = {};
  const sig = signalName(items[0] ?? '');
  if (sig) out.signal = sig;
  if (items[1] !== undefined && /^\d+$/.test(items[1])) out.timeoutSec = Number(items[1]);
  return out;
}

/** `SIGTERM`, `TERM`, `-TERM`, `15` -> `TERM`; undefined when it is not a signal. */
export function signalName(text: string): string | undefined {
  const t = text.replace(/^-/, '');
  if (/^\d+$/.test(t)) return SIGNAL_NUMBERS[t];
  const m = /^(?:SIG)?([A-Z][A-Z0-9+-]*)$/i.exec(t);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** `ulimit` flags (rc_ulimit, applied by openrc-run before start) -> s6-softlimit flags. */
const ULIMIT_TO_SOFTLIMIT: Record<string, string> = {
  n: 'o', // open files: ulimit -n, s6-softlimit -o
  c: 'c', // core file size
  d: 'd', // data segment
  s: 's', // stack
  f: 'f', // file size
  l: 'l', // locked memory
  u: 'p', // processes: ulimit -u, s6-softlimit -p
  m: 'r', // resident set: ulimit -m, s6-softlimit -r
  t: 't', // CPU seconds
  v: 'a', // address space: ulimit -v, s6-softlimit -a
};

/**
 * OpenRC start-stop-daemon(8) / supervise-daemon(8) options that map to RunFacts. Value-taking options
 * not listed here are reported as not carried.
 */
const DAEMON_OPTIONS: Record<string, 'user' | 'group' | 'chdir' | 'chroot' | 'umask' | 'env' | 'other' | 'flag'> = {
  '-u': 'user', '--user': 'user', '-c': 'user', '--chuid': 'user',
  '-g': 'group', '--group': 'group',
  '-d': 'chdir', '--chdir': 'chdir',
  '-r': 'chroot', '--chroot': 'chroot',
  '-k': 'umask', '--umask': 'umask',
  '-e': 'env', '--env': 'env',
  '-N': 'other', '--nicelevel': 'other', '-I': 'other', '--ionice': 'other', '-1': 'other', '--stdout': 'other',
  '-2': 'other', '--stderr': 'other', '-w': 'other', '--wait': 'other', '-a': 'other', '--startas': 'other',
  '-n': 'other', '--name': 'other', '-s': 'other', '--signal': 'other', '-R': 'other', '--retry': 'other',
  '--capabilities': 'other', '--secbits': 'other', '--oom-score-adj': 'other', '--scheduler': 'other',
  '--scheduler-priority': 'other', '--stdout-logger': 'other', '--stderr-logger': 'other',
  '-b': 'flag', '--background': 'flag', '-m': 'flag', '--make-pidfile': 'flag', '-i': 'flag', '--interpreted': 'flag',
  '-P': 'flag', '--progress': 'flag', '--no-new-privs': 'flag', '-q': 'flag', '--quiet': 'flag', '-v': 'flag', '--verbose': 'flag',
};

export interface RunFactsResult {
  run: RunFacts;
  findings: Finding[];
}

export function buildRunFacts(store: VarStore, confFiles: { system: string; disk: string }[]): RunFactsResult {
  const run = emptyRunFacts();
  const findings: Finding[] = [];
  const v = (k: string): VarValue | undefined => store.get(k);
  const supervisor = v('supervisor')?.value || 'start-stop-daemon';

  const command = v('command');
  if (command && command.value !== '') {
    const cmd = splitValue(command.value, store, command.origin);
    const argv = [...cmd.words];
    const extraName = supervisor === 'supervise-daemon' || supervisor === 's6' ? 'command_args_foreground' : 'command_args_background';
    const problems = { unresolved: [...cmd.unresolved], unset: [...cmd.unset, ...(command.unset ?? [])], operators: [...cmd.operators] };
    for (const name of ['command_args', extraName]) {
      const val = v(name);
      if (!val) continue;
      const s = splitValue(val.value, store, val.origin);
      argv.push(...s.words);
      problems.unresolved.push(...s.unresolved);
      problems.unset.push(...s.unset, ...(val.unset ?? []));
      problems.operators.push(...s.operators.map((o) => `${o} in ${name}`));
    }
    run.daemon = { argv, origin: command.origin };
    if (problems.unresolved.length > 0) {
      findings.push({ code: 'openrc-unresolved-word', message: `daemon arguments use ${[...new Set(problems.unresolved)].join(', ')}, which only the running shell knows; kept as written`, origin: command.origin });
    }
    if (problems.unset.length > 0) {
      findings.push({ code: 'openrc-unset-variable', message: `daemon arguments read ${[...new Set(problems.unset)].sort().join(', ')}, set nowhere in the script, conf.d or rc.conf; taken as empty`, origin: command.origin });
    }
    if (problems.operators.length > 0) {
      findings.push({ code: 'openrc-shell-syntax-in-args', message: `daemon arguments contain shell syntax (${problems.operators.join(', ')}); only the words were kept`, origin: command.origin });
    }
  }

  const pidfile = v('pidfile');
  if (pidfile?.value) run.pidfile = { path: pidfile.value, origin: pidfile.origin };
  const user = v('command_user');
  if (user?.value) setAccount(run, user.value, user.origin);
  const directory = v('directory');
  if (directory?.value) run.workdir = { path: directory.value, origin: directory.origin };
  const chroot = v('chroot');
  if (chroot?.value) run.chroot = { path: chroot.value, origin: chroot.origin };
  const umask = v('umask');
  if (umask?.value) run.umask = { value: umask.value, origin: umask.origin };

  const argsVar = supervisor === 'supervise-daemon' ? 'supervise_daemon_args' : supervisor === 's6' ? undefined : 'start_stop_daemon_args';
  const daemonArgs = argsVar ? v(argsVar) : undefined;
  if (argsVar && daemonArgs?.value) readDaemonArgs(argsVar, daemonArgs, store, run, findings);

  const retry = v('retry');
  if (retry?.value) {
    const r = parseRetry(retry.value);
    if (r.signal) run.stopSignal = { name: r.signal, origin: retry.origin };
    if (r.timeoutSec !== undefined) run.timeoutStop = { ms: r.timeoutSec * 1000, origin: retry.origin };
  }
  const stopsig = v('stopsig');
  if (stopsig?.value) {
    const name = signalName(stopsig.value);
    if (name) run.stopSignal = { name, origin: stopsig.origin };
  }

  const ulimit = v('rc_ulimit');
  if (ulimit?.value) readUlimit(ulimit, run, findings);

  for (const [name, val] of [...store.vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!val.exported) continue;
    if (val.unresolved) {
      findings.push({ code: 'openrc-unresolved-env', message: `exported ${name} has a value only the running shell knows; not carried`, origin: val.origin });
      continue;
    }
    run.env[name] = { value: val.value, origin: val.origin };
  }
  for (const f of confFiles) run.envFiles.push({ path: f.system, optional: true, syntax: 'shell', origin: { file: f.disk } });
  return { run, findings };
}

function setAccount(run: RunFacts, spec: string, origin: Origin): void {
  const [u, g] = spec.split(':', 2) as [string, string | undefined];
  if (u) run.user = { name: u, origin };
  if (g) run.group = { name: g, origin };
}

function readDaemonArgs(varName: string, val: VarValue, store: VarStore, run: RunFacts, findings: Finding[]): void {
  const words = splitValue(val.value, store, val.origin).words;
  const notCarried: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const eq = w.startsWith('--') ? w.indexOf('=') : -1;
    const opt = eq === -1 ? w : w.slice(0, eq);
    const kind = DAEMON_OPTIONS[opt];
    if (kind === undefined) { notCarried.push(w); continue; }
    if (kind === 'flag') { notCarried.push(w); continue; }
    const value = eq !== -1 ? w.slice(eq + 1) : words[++k];
    if (value === undefined) { notCarried.push(w); continue; }
    if (kind === 'user') setAccount(run, value, val.origin);
    else if (kind === 'group') run.group = { name: value, origin: val.origin };
    else if (kind === 'chdir') run.workdir = { path: value, origin: val.origin };
    else if (kind === 'chroot') run.chroot = { path: value, origin: val.origin };
    else if (kind === 'umask') run.umask = { value, origin: val.origin };
    else if (kind === 'env' && value.includes('=')) {
      const i = value.indexOf('=');
      run.env[value.slice(0, i)] = { value: value.slice(i + 1), origin: val.origin };
    } else notCarried.push(`${opt} ${value}`);
  }
  if (notCarried.length > 0) {
    findings.push({ code: 'openrc-daemon-args', message: `${varName}: ${notCarried.join(' ')} not carried over`, origin: val.origin });
  }
}

function readUlimit(val: VarValue, run: RunFacts, findings: Finding[]): void {
  const words = val.value.trim().split(/\s+/);
  const limits: Limits = {};
  const notCarried: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const m = /^-([HS]*)([a-zA-Z])$/.exec(words[k]!);
    const value = words[k + 1];
    if (!m || value === undefined) { notCarried.push(words[k]!); continue; }
    k++;
    const flag = ULIMIT_TO_SOFTLIMIT[m[2]!];
    if (flag) limits[flag] = value === 'unlimited' ? '=' : value;
    else notCarried.push(`-${m[2]} ${value}`);
  }
  if (Object.keys(limits).length > 0) run.limits = { value: limits, origin: val.origin };
  if (notCarried.length > 0) findings.push({ code: 'openrc-ulimit', message: `rc_ulimit: ${notCarried.join(' ')} not carried over`, origin: val.origin });
}

/**
 * From the daemon calls and variables of a script to `RunFacts`: the main start call gives the daemon's
 * argv, pidfile, user, group, workdir and umask; the stop call with `--retry` gives the stop signal.
 * Only resolved values become facts; an unresolved word leaves the fact out and says why.
 */
import type { Finding, LiveArgs, Origin, RunFacts, SsdCall } from '../../src/model/service.js';
import { findDaemonCalls, stopFromRetry, type ArgWord, type FoundCall } from './start-stop-daemon.js';
import type { ShellEnv } from './shell-vars.js';

export interface DaemonFacts {
  ssdStarts: SsdCall[];
  findings: Finding[];
}

// Debian /lib/init/init-d-script starts `$DAEMON` with start-stop-daemon, `$START_ARGS` as extra options
// and `$DAEMON_ARGS` after `--`, unless the script overrides do_start_cmd. Approximation of that call:
const INIT_D_SCRIPT_START = 'start-stop-daemon --start --quiet ${PIDFILE:+--pidfile "$PIDFILE"} $START_ARGS --exec "$DAEMON" -- $DAEMON_ARGS';

// Signal numbers used in `--signal N` / `--retry N/...` (signal(7), x86/arm numbering).
const SIGNAL_NUMBERS: Record<string, string> = { '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '10': 'USR1', '12': 'USR2', '15': 'TERM' };

/**
 * `live` is told the spelling of each start call's program arguments when the script sourced its defaults
 * file, and says which of them stay variables (`SsdCall.liveArgs`).
 */
export function collectDaemonFacts(
  text: string, file: string, env: ShellEnv, run: RunFacts, initDScript: boolean, live?: (words: ArgWord[]) => LiveArgs | undefined,
): DaemonFacts {
  let calls = findDaemonCalls(text, file, env);
  const findings: Finding[] = [];
  const starts = calls.filter((c) => c.action === 'start' && !c.test);
  if (starts.length === 0 && initDScript && env.vars.has('DAEMON') && !/do_start_cmd_override\s*\(/.test(text)) {
    const origin = env.vars.get('DAEMON')!.origin;
    calls = findDaemonCalls(INIT_D_SCRIPT_START, origin.file, env).map((c) => ({ ...c, call: { ...c.call, origin } }));
    starts.push(...calls);
    findings.push({ code: 'sysv-init-d-script', message: 'script runs through /lib/init/init-d-script; its start-stop-daemon call is reconstructed from DAEMON, DAEMON_ARGS, START_ARGS and PIDFILE', origin });
  }
  const main = starts.find((c) => c.call.exec !== undefined || c.call.startas !== undefined);
  if (main) fillFromStart(main, run, findings);
  fillStop(calls, run);
  // A pidfile the script names without passing it to start-stop-daemon is still where the daemon writes it.
  const pid = env.vars.get('PIDFILE');
  if (!run.pidfile && pid && !pid.unresolved && pid.value.startsWith('/')) run.pidfile = { path: pid.value, origin: pid.origin };
  if (live) {
    for (const c of starts) {
      // An unresolved call is not upgraded from its argv anyway: nothing to keep live.
      const l = c.argWords && !c.call.unresolved && live(c.argWords);
      if (l) c.call.liveArgs = l;
    }
  }
  return { ssdStarts: starts.map((c) => c.call), findings };
}

function fillFromStart(found: FoundCall, run: RunFacts, findings: Finding[]): void {
  const c = found.call;
  const origin: Origin = c.origin;
  const bad = found.unresolvedParts;
  const program = c.startas ?? c.exec;
  const programOpt = c.startas !== undefined ? 'startas' : 'exec';
  if (program !== undefined && !bad.has(programOpt) && !bad.has('--')) {
    run.daemon = { argv: [program, ...c.args], origin };
  } else {
    findings.push({
      code: 'sysv-daemon-unresolved',
      message: `the daemon's command line depends on values not known statically (${found.unknown.join(', ') || 'unknown words'}); daemon command not recorded`,
      origin,
    });
  }
  const known = (v: string | undefined, opt: string) => v !== undefined && !bad.has(opt);
  if (known(c.pidfile, 'pidfile')) run.pidfile = { path: c.pidfile!, origin };
  if (known(c.chuid, 'chuid')) {
    // --chuid user[:group]
    const [user, group] = c.chuid!.split(':');
    if (user) run.user = { name: user, origin };
    if (group) run.group = { name: group, origin };
  }
  if (known(c.group, 'group')) run.group = { name: c.group!, origin };
  if (known(c.chdir, 'chdir')) run.workdir = { path: c.chdir!, origin };
  if (known(c.umask, 'umask')) run.umask = { value: c.umask!, origin };
  if (known(c.chroot, 'chroot')) run.chroot = { path: c.chroot!, origin };
}

/** The real stop is the `--stop` call with `--retry`; `--stop --signal HUP` alone is a reload. */
function fillStop(calls: FoundCall[], run: RunFacts): void {
  const stop = calls.find((c) => c.action === 'stop' && c.retry !== undefined);
  if (!stop) return;
  const s = stopFromRetry(stop.retry, stop.signal);
  if (!s) return;
  const name = SIGNAL_NUMBERS[s.signal] ?? s.signal;
  if (!/^[A-Z][A-Z0-9+-]*$/.test(name)) return;
  run.stopSignal = { name, origin: stop.call.origin };
  if (s.timeoutMs !== undefined) run.timeoutStop = { ms: s.timeoutMs, origin: stop.call.origin };
}

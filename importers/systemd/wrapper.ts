/**
 * The first conversion of a unit: its faithful s6-rc equivalent (issue 3).
 * - `Type=oneshot`: a oneshot; `up` runs ExecStartPre, ExecStart, ExecStartPost in order, `down` runs
 *   ExecStop then ExecStopPost.
 * - `Type=forking`: a oneshot that starts the daemon (it backgrounds itself); `down` is ExecStop, or a
 *   kill of the pid in PIDFile= with KillSignal=; without either there is no way to stop it.
 * - `Type=simple|exec|notify|notify-reload|dbus|idle`: a longrun running ExecStart.
 *
 * Oneshot commands carry `unitCommands`: the back end gives each the unit's process state (user,
 * environment, directory, umask, limits), as systemd runs every Exec line with it.
 *
 * A `-` prefixed command's failure is ignored by systemd. A oneshot `up`/`down` is a chain of argvs
 * where a failure stops the chain, and execline blocks cannot be nested inside one argv, so such a
 * command is wrapped as `/bin/sh -c '"$@" || :' sh ARGV...`: the shell runs ARGV word for word (no
 * re-splitting: "$@" keeps every word) and always exits 0.
 */
import type { CommandMode, ExecLine, Finding, Origin, Service, SystemdEvidence } from '../../src/model/service.js';

export type Wrapper = NonNullable<Service['wrapper']>;

export const IGNORE_FAILURE_PREFIX = ['/bin/sh', '-c', '"$@" || :', 'sh'] as const;

/** Script that reads a pid file and signals the pid (used as `down` for Type=forking). */
export const KILL_FROM_PIDFILE = 'read -r pid < "$1" && kill -s "$2" "$pid"';

function commandArgv(line: ExecLine): string[] {
  return line.prefixes.includes('-') ? [...IGNORE_FAILURE_PREFIX, ...line.argv] : [...line.argv];
}

const PRIVILEGE_PREFIXES = ['+', '!', '!!'];

/** How systemd runs the line: privileges kept or not, variables expanded or not. */
function commandMode(line: ExecLine): CommandMode {
  const mode: CommandMode = {};
  if (line.prefixes.some((p) => PRIVILEGE_PREFIXES.includes(p))) mode.privileged = true;
  if (expandsAtStart(line)) mode.expandVariables = true;
  return mode;
}

/** systemd expands `$VAR` and `$$` unless `:` says not to or the conversion already replaced them. */
function expandsAtStart(line: ExecLine): boolean {
  return !line.prefixes.includes(':') && !line.expanded && line.argv.some((w) => w.includes('$'));
}

const LONGRUN_TYPES = new Set(['simple', 'exec', 'notify', 'notify-reload', 'dbus', 'idle']);

// What each longrun type loses in the first conversion (systemd.service(5) Type=).
const LONGRUN_APPROXIMATIONS: Record<string, string> = {
  notify: 'Type=notify: the daemon reports readiness with sd_notify; the longrun is considered up as soon as it starts (the upgrade may add a notification-fd)',
  'notify-reload': 'Type=notify-reload: readiness and reload via sd_notify are not carried; the longrun is up as soon as it starts',
  dbus: 'Type=dbus: systemd waits for the bus name; the longrun is considered up as soon as it starts',
  idle: 'Type=idle: systemd delays the start until other jobs are done; s6-rc starts it at once',
};

export interface WrapperResult {
  wrapper?: Wrapper;
  findings: Finding[];
}

export function buildWrapper(ev: SystemdEvidence, pidfile: string | undefined, killSignal: string, typeOrigin?: Origin): WrapperResult {
  const findings: Finding[] = [];
  const origin: Origin = typeOrigin ?? { file: ev.file };
  const type = ev.serviceType ?? 'simple';
  const startLines = [...ev.execStartPre, ...ev.execStart, ...ev.execStartPost];
  const stopLines = [...ev.execStop, ...ev.execStopPost];

  for (const l of [...startLines, ...stopLines]) {
    if (l.prefixes.length === 0) continue; // most lines: nothing below applies
    if (l.prefixes.includes('@')) {
      findings.push({ code: 'unit-exec-argv0', origin: l.origin,
        message: `\`@\` prefix: systemd runs ${l.argv[0]} with argv[0] ${JSON.stringify(l.argv0 ?? '')}; s6 passes the path as argv[0]` });
    }
    for (const p of ['+', '!', '!!']) {
      if (l.prefixes.includes(p)) {
        findings.push({ code: 'unit-exec-privileges', origin: l.origin,
          message: `\`${p}\` prefix: systemd runs this command with full privileges despite User=/sandboxing; the s6 command keeps root too (no privilege drop)` });
      }
    }
    if (l.prefixes.includes('|')) {
      findings.push({ code: 'unit-exec-shell', origin: l.origin, message: '`|` prefix: systemd runs the command through the user\'s shell; it is run directly' });
    }
  }

  // A oneshot may have only ExecStop= (with RemainAfterExit=yes: work at shutdown), which systemd accepts.
  if (ev.execStart.length === 0 && !(type === 'oneshot' && (startLines.length > 0 || stopLines.length > 0))) {
    findings.push({ code: 'unit-no-exec-start', origin, message: `${ev.unit} has no ExecStart=: nothing to run, no wrapper` });
    return { findings };
  }

  if (type === 'oneshot') {
    if (startLines.length === 0) {
      findings.push({ code: 'unit-stop-only', origin,
        message: 'Type=oneshot with only ExecStop=: work at shutdown; the oneshot\'s up does nothing and its down runs ExecStop=' });
    }
    if (!ev.remainAfterExit) {
      findings.push({ code: 'unit-oneshot-no-remain', origin,
        message: 'Type=oneshot without RemainAfterExit=yes: systemd considers it stopped once it ran (and runs ExecStop right away); an s6-rc oneshot stays up until brought down' });
    }
    return {
      wrapper: { kind: 'oneshot', up: startLines.map(commandArgv), down: stopLines.map(commandArgv), unitCommands: { up: startLines.map(commandMode), down: stopLines.map(commandMode) } },
      findings,
    };
  }

  if (type === 'forking') {
    let down: string[][];
    let downModes: CommandMode[];
    if (ev.execStop.length > 0) {
      down = stopLines.map(commandArgv);
      downModes = stopLines.map(commandMode);
    } else if (pidfile !== undefined) {
      // systemd sends the signal itself, as root.
      down = [['/bin/sh', '-c', KILL_FROM_PIDFILE, 'sh', pidfile, killSignal], ...ev.execStopPost.map(commandArgv)];
      downModes = [{ privileged: true }, ...ev.execStopPost.map(commandMode)];
    } else {
      findings.push({ code: 'unit-forking-no-stop', origin,
        message: 'Type=forking without ExecStop= or PIDFile=: systemd tracks the daemon by its cgroup; the oneshot cannot stop it' });
      down = ev.execStopPost.map(commandArgv);
      downModes = ev.execStopPost.map(commandMode);
    }
    findings.push({ code: 'unit-forking-unsupervised', origin,
      message: 'Type=forking: the daemon backgrounds itself, so the first conversion starts it from a oneshot and s6 does not supervise it' });
    return { wrapper: { kind: 'oneshot', up: startLines.map(commandArgv), down, unitCommands: { up: startLines.map(commandMode), down: downModes } }, findings };
  }

  if (LONGRUN_TYPES.has(type)) {
    const first = ev.execStart[0]!;
    const approx = LONGRUN_APPROXIMATIONS[type];
    if (approx) findings.push({ code: 'unit-type-approximated', origin, message: approx });
    for (const [what, lines] of [['ExecStartPre', ev.execStartPre], ['ExecStartPost', ev.execStartPost], ['ExecStop', ev.execStop], ['ExecStopPost', ev.execStopPost]] as const) {
      for (const l of lines) {
        findings.push({ code: 'unit-exec-not-carried', origin: l.origin,
          message: `${what}= ${l.argv.join(' ')}: a longrun's run script only runs ExecStart (move it into the run script or a oneshot it depends on)` });
      }
    }
    if (first.prefixes.includes('-')) {
      findings.push({ code: 'unit-exec-prefix', origin: first.origin, message: '`-` prefix on ExecStart: the exit status of a longrun is not interpreted by s6 anyway' });
    }
    const wrapper: Wrapper = { kind: 'longrun', run: [...first.argv] };
    if (expandsAtStart(first)) wrapper.expandVariables = true;
    if (first.prefixes.some((p) => PRIVILEGE_PREFIXES.includes(p))) wrapper.privileged = true;
    return { wrapper, findings };
  }

  findings.push({ code: 'unit-unknown-type', origin, message: `Type=${type} is not known: no wrapper` });
  return { findings };
}

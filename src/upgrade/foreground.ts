/**
 * Which command runs a service's daemon in the foreground, inferred from every source that describes it.
 *
 * Evidence kinds, in priority order (the first one present wins; every other one is compared with it):
 *  1. `user`           the user said so (`--command`, or an edit in the wizard);
 *  2. `openrc`         an OpenRC script that declares the foreground command itself: `supervisor=s6` or
 *                      `supervise-daemon`, `command_background=yes` (OpenRC backgrounds a foreground
 *                      program), or `command_args_foreground`;
 *  3. `systemd`        a unit of `Type=simple|exec|notify|notify-reload|idle|dbus`: its single ExecStart
 *                      is written to stay in the foreground;
 *  4. `ssd-background` a `start-stop-daemon --start --background` call: the daemon itself never forks;
 *  5. `table`          the daemon forks; `daemon-table.ts` knows its foreground flag.
 * A unit author's ExecStart is preferred to an init script because it was written for a supervisor.
 * Evidence naming a different program than the winner lowers the confidence one step; evidence with the
 * same program but other arguments is reported as a conflict without lowering it.
 */
import { parse as shellParse } from 'shell-quote';
import { definingSources, type LiveArgs, type Origin, type Service, type SystemdEvidence } from '../model/service.js';
import { shellQuoteWord } from '../s6rc/run-script.js';
import { systemdArgv } from '../s6rc/systemd-expand.js';
import { applyEntry, daemonEntry, dropSystemdOnly, keepsForeground, type Confidence } from './daemon-table.js';

export type { Confidence } from './daemon-table.js';
export type EvidenceKind = 'user' | 'openrc' | 'systemd' | 'ssd-background' | 'table';

export interface Readiness {
  /** Value for `notification-fd`, when the daemon will write a newline there once ready. */
  notificationFd?: number;
  /** What the source had for readiness that the longrun does not keep. */
  notCarried: string[];
}

export interface ForegroundProposal {
  ok: true;
  argv: string[];
  evidence: EvidenceKind;
  confidence: Confidence;
  reasons: string[];
  conflicts: string[];
  readiness: Readiness;
  origin?: Origin;
  /** The end of `argv` that the run script expands at each start from the defaults file. */
  live?: LiveTail;
  /** The winning ExecStart had a `+`/`!`/`!!` prefix: no privilege drop unless the user names an account. */
  privileged?: boolean;
  /** Directories systemd made for an option the upgrade dropped (dbus.socket's /run/dbus): made first. */
  socketDirs?: string[];
  /** The command as the source ran it, before the foreground fix and translations. */
  original?: string[];
  /**
   * Some words stand for values known only at run time or under a condition (`$(id -u x)`, a variable
   * set by `[ -n "$x" ] && opt=...`): their source text is in argv. Never written by --yes.
   */
  unknownWords?: string;
}

/**
 * The last `values.length` words of the argv, as the init script spells them (`$DAEMON_ARGS`), read
 * from its `/etc/default` file at each start (from `SsdCall.liveArgs`).
 */
export interface LiveTail {
  file: string;
  /** Shell text standing for the tail: the script's words that read the file, the others quoted. */
  shellWords: string[];
  /** The tail's words at conversion time. */
  values: string[];
  /** Variables to set before sourcing the file (null: unset). */
  presets: [string, string | null][];
  /** The script's words that read the file, and what they give today, for messages. */
  liveWords: string[];
  liveValues: string[];
}

export interface ForegroundRefusal {
  ok: false;
  /** Stable code: `no-daemon-command`, `runs-to-completion`, `not-a-daemon`, `forks-unknown`, `unresolved-command`. */
  code: string;
  reason: string;
  conflicts: string[];
}

export type ForegroundResult = ForegroundProposal | ForegroundRefusal;

interface Candidate {
  kind: EvidenceKind;
  argv: string[];
  confidence: Confidence;
  reasons: string[];
  origin?: Origin;
  readiness: Readiness;
  /** The table entry's readiness option, applicable when this candidate wins. */
  unitType?: SystemdEvidence['serviceType'];
  live?: LiveTail;
  /** A `+`/`!`/`!!` ExecStart: systemd runs it as root whatever User= says. */
  privileged?: boolean;
  /** Why the command cannot run outside systemd (a variable only systemd sets); refused if it wins. */
  systemdOnly?: string;
  socketDirs?: string[];
  /** The argv as the source wrote it (before the table's fix or a dropped option). */
  original?: string[];
  unknownWords?: string;
}

/**
 * Variables only the service manager sets for the process it starts (systemd.exec(5) "Environment
 * variables in spawned processes"): s6 has no value for them, so a command using one is refused.
 * (RUNTIME_DIRECTORY and the other directory variables are set by the upgrade itself.)
 */
const SYSTEMD_ONLY_VARS = ['MAINPID', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'INVOCATION_ID', 'JOURNAL_STREAM', 'TRIGGER_UNIT', 'TRIGGER_PATH', 'MONITOR_SERVICE_RESULT', 'CREDENTIALS_DIRECTORY'];

function systemdOnlyVars(argv: readonly string[]): string[] {
  const found = new Set<string>();
  for (const w of argv) for (const m of w.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) if (SYSTEMD_ONLY_VARS.includes(m[1]!)) found.add(m[1]!);
  return [...found].sort();
}

const PRIORITY: EvidenceKind[] = ['user', 'openrc', 'systemd', 'ssd-background', 'table'];
const FOREGROUND_UNIT_TYPES = new Set(['simple', 'exec', 'notify', 'notify-reload', 'idle', 'dbus']);
const TRUE_WORDS = new Set(['yes', 'true', '1', 'YES', 'TRUE']);

export function lower(c: Confidence): Confidence {
  return c === 'high' ? 'medium' : 'low';
}

function programName(argv: readonly string[]): string {
  const p = argv[0] ?? '';
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Split an OpenRC variable the way `sh` would split it unquoted; null if it holds shell syntax we cannot resolve. */
export function splitWords(text: string): string[] | null {
  const words: string[] = [];
  for (const t of shellParse(text, (k) => '$' + k)) {
    if (typeof t !== 'string') return null;
    words.push(t);
  }
  return words;
}

const VAR_REF = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;

function fromOpenrc(service: Service, out: Candidate[], forking: Candidate[]): void {
  for (const ev of definingSources(service)) {
    if (ev.format !== 'openrc') continue;
    const v = (k: string): string | undefined => ev.vars[k]?.value;
    const command = v('command');
    if (!command) continue;
    const origin = ev.vars['command']!.origin;
    const supervisor = v('supervisor');
    const background = TRUE_WORDS.has(v('command_background') ?? '');
    const fgArgs = v('command_args_foreground');
    // supervise-daemon.sh and s6.sh run `$command -- $command_args $command_args_foreground`: both parts.
    const argsText = [v('command_args'), fgArgs].filter((a) => a !== undefined && a.trim() !== '').join(' ');
    const words = splitWords(argsText);
    const readiness: Readiness = { notCarried: [] };
    const notify = v('notify');
    if (notify) {
      // OpenRC's s6 backend writes `notify=fd:N` as notification-fd N; other forms have no s6 equivalent.
      const m = /^fd:(\d+)$/.exec(notify);
      if (m && Number(m[1]) >= 3) readiness.notificationFd = Number(m[1]);
      else readiness.notCarried.push(`OpenRC notify=${notify} (only notify=fd:N maps to s6)`);
    }
    const reasons: string[] = [];
    let confidence: Confidence = 'high';
    let unknownWords: string | undefined;
    const conditional = ['command', 'command_args', 'command_args_foreground'].filter((k) => ev.vars[k]?.unresolved);
    if (conditional.length > 0) {
      unknownWords = `${conditional.join(', ')} ${conditional.length > 1 ? 'are' : 'is'} set under a run-time condition or from a run-time value; the value read is a guess`;
      reasons.push(unknownWords);
      confidence = 'low';
    } else if (words === null || words.some((w) => VAR_REF.test(w))) {
      unknownWords = `arguments \`${argsText}\` use shell syntax or variables that could not be resolved`;
      reasons.push(unknownWords);
      confidence = 'low';
    }
    const argv = [command, ...(words ?? [])];
    if (supervisor === 's6' || supervisor === 'supervise-daemon' || background || fgArgs !== undefined) {
      const why = supervisor === 's6' || supervisor === 'supervise-daemon'
        ? `OpenRC supervisor=${supervisor} runs \`command\` in the foreground`
        : background
          ? 'OpenRC command_background=yes: the command itself stays in the foreground'
          : 'OpenRC command_args_foreground gives the foreground arguments';
      out.push({ kind: 'openrc', argv, confidence, reasons: [why, ...reasons], origin, readiness, ...(unknownWords ? { unknownWords } : {}) });
    } else {
      forking.push({ kind: 'table', argv, confidence, reasons: [`OpenRC starts \`${command}\`, which daemonizes itself`, ...reasons], origin, readiness, ...(unknownWords ? { unknownWords } : {}) });
    }
  }
}

function fromSystemd(service: Service, out: Candidate[], forking: Candidate[], oneshots: string[]): void {
  for (const ev of definingSources(service)) {
    if (ev.format !== 'systemd' || ev.unitType !== 'service') continue;
    const type = ev.serviceType ?? 'simple';
    if (type === 'oneshot') {
      oneshots.push(ev.remainAfterExit && !ev.directives['Service']?.['Type'] ? `${ev.unit} has RemainAfterExit=yes and no Type= (its command exits)` : `${ev.unit} is Type=oneshot`);
      continue;
    }
    if (ev.execStart.length !== 1) continue;
    const line = ev.execStart[0]!;
    const reasons: string[] = [];
    let confidence: Confidence = 'high';
    const noExpand = line.prefixes.includes(':') || line.expanded === true;
    const only = dropSystemdOnly(line.argv);
    if (only.dropped.length > 0) reasons.push(`dropped ${only.dropped.join(' ')}: it only works under systemd (${only.why})`);
    const onlyVars = noExpand ? [] : systemdOnlyVars(only.argv);
    const { argv, expands } = systemdArgv(only.argv, noExpand);
    if (expands.length > 0) {
      reasons.push(`ExecStart expands ${expands.map((e) => '$' + e).join(', ')} at start; a /bin/sh -c does the same expansion`);
    }
    if (line.prefixes.includes('@')) {
      reasons.push('ExecStart uses the @ prefix (a different argv[0]); the program gets its path as argv[0]');
      confidence = lower(confidence);
    }
    const priv = line.prefixes.filter((p) => p === '+' || p === '!' || p === '!!');
    if (priv.length > 0) reasons.push(`ExecStart prefix ${priv.join('')}: systemd runs it as root whatever User= says, and so does the run script`);
    const readiness: Readiness = { notCarried: [] };
    if (type === 'notify' || type === 'notify-reload') {
      readiness.notCarried.push(`${ev.unit} is Type=${type}: sd_notify readiness is not carried over (s6 reads a newline on a notification fd; use the daemon's own option or s6-notifyoncheck with a data/check script)`);
    } else if (type === 'dbus') {
      readiness.notCarried.push(`${ev.unit} is Type=dbus: readiness on taking a bus name is not carried over`);
    }
    const c: Candidate = type === 'forking'
      ? { kind: 'table', argv, confidence, reasons: [`${ev.unit} is Type=forking`, ...reasons], origin: line.origin, readiness }
      : { kind: 'systemd', argv, confidence, reasons: [`${ev.unit} is Type=${type}: its ExecStart stays in the foreground`, ...reasons], origin: line.origin, readiness, unitType: type };
    if (priv.length > 0) c.privileged = true;
    if (only.dirs) c.socketDirs = only.dirs;
    c.original = [...line.argv];
    if (onlyVars.length > 0) c.systemdOnly = `${ev.unit}'s ExecStart uses ${onlyVars.map((v) => '$' + v).join(', ')}, which only systemd sets for the process it starts; give the command with --command`;
    if (type === 'forking') forking.push(c);
    else if (FOREGROUND_UNIT_TYPES.has(type)) out.push(c);
  }
}

function fromSysv(service: Service, out: Candidate[], forking: Candidate[]): void {
  for (const ev of definingSources(service)) {
    if (ev.format !== 'sysv') continue;
    const seen = new Set<string>();
    for (const call of ev.ssdStarts) {
      const program = call.startas ?? call.exec;
      if (!program) continue;
      const argv = [program, ...call.args];
      const key = JSON.stringify([call.background, argv]);
      if (seen.has(key)) continue;
      seen.add(key);
      const reasons: string[] = [];
      let confidence: Confidence = 'high';
      if (call.unresolved) {
        reasons.push('some start-stop-daemon arguments use variables that could not be resolved statically');
        confidence = 'low';
      }
      const readiness: Readiness = { notCarried: [] };
      if (call.outputTo !== undefined) {
        reasons.push(`the script sends the daemon's output to ${call.outputTo}; the longrun sends it to its s6-log pipeline, so that file is no longer written`);
        confidence = lower(confidence);
      }
      const c: Candidate = call.background
        ? { kind: 'ssd-background', argv, confidence, reasons: ['start-stop-daemon --background: the daemon itself stays in the foreground', ...reasons], origin: call.origin, readiness }
        : { kind: 'table', argv, confidence, reasons: [`start-stop-daemon starts \`${program}\`, which daemonizes itself`, ...reasons], origin: call.origin, readiness };
      const live = call.liveArgs && !call.unresolved ? liveTail(call.liveArgs, call.args) : undefined;
      if (live) c.live = live;
      if (call.unresolved) c.unknownWords = 'some start-stop-daemon words depend on a condition or a value known only at run time; their script text stands in the command';
      (call.background ? out : forking).push(c);
    }
  }
  // start-stop-daemon `--test` calls repeat the real call without arguments: keep the fullest one per program.
  dedupeByProgram(out, 'ssd-background');
  dedupeByProgram(forking, 'table');
}

/** A forking command line the daemon table can keep in the foreground ranks first. */
function foregroundable(c: Candidate): boolean {
  const entry = daemonEntry(c.argv[0]!);
  return entry !== undefined && entry.mode !== 'exits' && keepsForeground(entry, c.argv);
}

/**
 * One candidate per program: the fullest (a `--test` call repeats the real one without arguments), for a
 * forking one first one the table can keep in the foreground, the earliest on a tie. Calls that are not a
 * prefix of the one kept are alternatives the script picks at run time (exim4's `case ${QUEUERUNNER}`):
 * said, and the confidence lowered.
 */
function dedupeByProgram(list: Candidate[], kind: EvidenceKind): void {
  const rank = (c: Candidate): number => (kind === 'table' && foregroundable(c) ? 1_000_000 : 0) + c.argv.length;
  const best = new Map<string, Candidate>();
  for (const c of list) {
    if (c.kind !== kind) continue;
    const prev = best.get(c.argv[0]!);
    if (!prev || rank(c) > rank(prev)) best.set(c.argv[0]!, c);
  }
  const others = new Map<string, Candidate[]>();
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    if (c.kind !== kind) continue;
    const kept = best.get(c.argv[0]!)!;
    if (kept === c) continue;
    if (!c.argv.every((w, k) => kept.argv[k] === w)) others.set(c.argv[0]!, [c, ...(others.get(c.argv[0]!) ?? [])]);
    list.splice(i, 1);
  }
  for (const [program, alts] of others) {
    const kept = best.get(program)!;
    kept.confidence = lower(kept.confidence);
    kept.reasons.push(`the script starts \`${program}\` with ${alts.length + 1} command lines and picks one at run time; taken: \`${kept.argv.slice(1).join(' ')}\` (line ${kept.origin?.line ?? '?'}), not ${alts.map((a) => `\`${a.argv.slice(1).join(' ')}\` (line ${a.origin?.line ?? '?'})`).join(', ')}: check which one your configuration selects`);
  }
}

export interface ForegroundOptions {
  /** The user's command, taking precedence over every source. */
  command?: string[];
}

export function inferForeground(service: Service, opts: ForegroundOptions = {}): ForegroundResult {
  const direct: Candidate[] = [];
  const forking: Candidate[] = [];
  const oneshotUnits: string[] = [];
  if (opts.command && opts.command.length > 0) {
    direct.push({ kind: 'user', argv: opts.command, confidence: 'high', reasons: ['command given by the user'], readiness: { notCarried: [] } });
  }
  fromOpenrc(service, direct, forking);
  fromSystemd(service, direct, forking, oneshotUnits);
  fromSysv(service, direct, forking);
  // RunFacts.daemon is what the winning source already described; when a source gave a candidate above it
  // is the same command (OpenRC: with its foreground arguments), so it is only a fallback.
  // A unit that runs to completion says what its ExecStart is: not a forking daemon.
  if (forking.length === 0 && oneshotUnits.length === 0 && direct.every((c) => c.kind === 'user') && service.run.daemon) {
    forking.push({ kind: 'table', argv: service.run.daemon.argv, confidence: 'high', reasons: [`the source starts \`${service.run.daemon.argv[0]}\`, which daemonizes itself`], origin: service.run.daemon.origin, readiness: { notCarried: [] } });
  }

  // Forking daemons become candidates through the table; the first one the table cannot help is the refusal.
  let refusal: ForegroundRefusal | undefined;
  for (const f of forking) {
    if (f.argv[0]!.includes('$')) {
      refusal ??= { ok: false, code: 'unresolved-command', reason: `the program \`${f.argv[0]}\` is chosen at run time by the script; give the foreground command with --command`, conflicts: [] };
      continue;
    }
    const entry = daemonEntry(f.argv[0]!);
    if (!entry) {
      refusal ??= { ok: false, code: 'forks-unknown', reason: `\`${f.argv[0]}\` daemonizes itself and no foreground option is known for it; it stays a oneshot wrapper (stopped through its pidfile) unless you give the foreground command with --command`, conflicts: [] };
      continue;
    }
    if (entry.mode === 'exits') {
      refusal = { ok: false, code: 'not-a-daemon', reason: `\`${programName(f.argv)}\` is not a long-running daemon: ${entry.note ?? entry.source}`, conflicts: [] };
      continue;
    }
    if (!keepsForeground(entry, f.argv)) {
      refusal ??= { ok: false, code: 'forks-unknown', reason: `\`${f.argv.join(' ')}\` daemonizes itself and the daemon table's foreground option does not apply to this command line (${entry.source}); it stays a oneshot wrapper unless you give the foreground command with --command`, conflicts: [] };
      continue;
    }
    const argv = applyEntry(entry, f.argv);
    const reasons = [...f.reasons, `daemon table: ${entry.source}`];
    if (entry.note) reasons.push(entry.note);
    if (entry.supervised && entry.supervised.words.some((w) => !f.argv.includes(w))) reasons.push(`added ${entry.supervised.words.join(' ')}: ${entry.supervised.why}`);
    const confidence: Confidence = f.confidence === 'low' || entry.confidence === 'low' ? 'low' : f.confidence === 'medium' || entry.confidence === 'medium' ? 'medium' : 'high';
    direct.push({ ...f, argv, confidence, reasons, original: f.original ?? f.argv });
  }

  direct.sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
  const winner = direct[0];
  if (!winner) {
    if (refusal) return refusal;
    if (oneshotUnits.length > 0) return { ok: false, code: 'runs-to-completion', reason: `${oneshotUnits.join('; ')}: it runs to completion and stays a oneshot`, conflicts: [] };
    return { ok: false, code: 'no-daemon-command', reason: 'no source says which program the service runs (custom start logic); give it with --command', conflicts: [] };
  }
  if (winner.systemdOnly) return { ok: false, code: 'systemd-only', reason: winner.systemdOnly, conflicts: [] };
  // A user command is the user's decision; everything else is checked against the other evidence.
  let confidence = winner.confidence;
  const reasons = [...winner.reasons];
  const conflicts: string[] = [];
  if (winner.kind !== 'user') {
    const seen = new Set<string>([JSON.stringify(winner.argv)]);
    let programClash = false;
    for (const other of direct.slice(1)) {
      const key = JSON.stringify(other.argv);
      if (seen.has(key)) continue;
      seen.add(key);
      if (programName(other.argv) !== programName(winner.argv)) {
        programClash = true;
        conflicts.push(`${other.kind} evidence runs \`${other.argv[0]}\`, not \`${winner.argv[0]}\` (${other.reasons[0]})`);
      } else {
        conflicts.push(`${other.kind} evidence gives other arguments: ${JSON.stringify(other.argv)}`);
      }
    }
    if (programClash) {
      confidence = lower(confidence);
      reasons.push(`${winner.kind} evidence chosen by priority (${PRIORITY.join(' > ')})`);
    }
    if (oneshotUnits.length > 0) {
      confidence = lower(confidence);
      conflicts.push(...oneshotUnits.map((u) => `${u}, yet another source runs a daemon`));
    }
    if (winner.argv.some((w) => /systemd/i.test(w))) {
      confidence = 'low';
      reasons.push('the command mentions systemd (socket activation or journal options?) and may not work without it');
    }
    if (!winner.argv[0]!.startsWith('/')) {
      confidence = lower(confidence);
      reasons.push(`\`${winner.argv[0]}\` is not an absolute path; the supervision tree's PATH is minimal`);
    }
  }
  const readiness = mergeReadiness(winner, direct);
  let argv = winner.argv;
  const entry = daemonEntry(argv[0]!);
  if (readiness.notificationFd === undefined && entry?.readiness && winner.kind !== 'user') {
    const fd = 3;
    const extra = entry.readiness.args(fd);
    if (!extra.some((w) => argv.includes(w))) argv = [argv[0]!, ...extra, ...argv.slice(1)];
    readiness.notificationFd = fd;
    reasons.push(`readiness: ${entry.readiness.source}`);
  }
  const result: ForegroundProposal = { ok: true, argv, evidence: winner.kind, confidence, reasons, conflicts, readiness };
  if (winner.origin) result.origin = winner.origin;
  if (winner.privileged) result.privileged = true;
  if (winner.socketDirs) result.socketDirs = winner.socketDirs;
  if (winner.kind !== 'user') result.original = winner.original ?? winner.argv;
  if (winner.unknownWords) result.unknownWords = winner.unknownWords;
  if (winner.live) {
    const t = winner.live;
    // The foreground fixes insert words after the program and drop daemonizing ones; the tail survives
    // them only when it still ends the argv unchanged.
    const end = argv.slice(argv.length - t.values.length);
    if (argv.length > t.values.length && end.every((w, i) => w === t.values[i])) result.live = t;
    else readiness.notCarried.push(`${t.liveWords.join(' ')} (${t.file}): written as read today, since the foreground fix changes a word in it; upgrade again after editing the file`);
  }
  return result;
}

/** The argv tail from the first script word that reads the defaults file on (see `LiveTail`). */
export function liveTail(l: LiveArgs, args: readonly string[]): LiveTail | undefined {
  const first = l.words.findIndex((w) => w.live);
  if (first === -1) return undefined;
  let at = 0;
  for (let i = 0; i < first; i++) at += l.words[i]!.fields;
  const shellWords: string[] = [];
  const liveWords: string[] = [];
  const liveValues: string[] = [];
  let k = at;
  for (const w of l.words.slice(first)) {
    if (w.live) {
      shellWords.push(w.raw);
      liveWords.push(w.raw);
      liveValues.push(...args.slice(k, k + w.fields));
    } else {
      for (let f = 0; f < w.fields; f++) shellWords.push(shellQuoteWord(args[k + f]!));
    }
    k += w.fields;
  }
  return { file: l.file, shellWords, values: args.slice(at), presets: l.presets, liveWords, liveValues };
}

function mergeReadiness(winner: Candidate, all: Candidate[]): Readiness {
  const notCarried = new Set<string>();
  for (const c of all) for (const n of c.readiness.notCarried) notCarried.add(n);
  const r: Readiness = { notCarried: [...notCarried] };
  if (winner.readiness.notificationFd !== undefined) r.notificationFd = winner.readiness.notificationFd;
  return r;
}

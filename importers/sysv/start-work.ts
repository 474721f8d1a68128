/**
 * Work an init script does at start besides starting the daemon, which a supervised longrun would skip:
 * directories and files it makes or hands over (`mkdir`, `install -d`, `chown`, `chmod`, `touch`, `ln`),
 * keys it generates, and the daemon run with other arguments (a configuration test such as `sshd -t`).
 * Read statically like the rest of the script: every such command outside a stop/status/reload function,
 * with its argv when each word is known and comes from the script itself (a value the defaults file sets
 * may change before the next start, so it is not frozen here).
 */
import type { Origin, StartWork } from '../../src/model/service.js';
import { globRegex } from '../../src/util/glob.js';
import type { ShellEnv } from './shell-vars.js';
import { plainText, simpleCommands, type SimpleCommand } from './shell-lines.js';
import { expandWord } from './shell-words.js';

/** Programs that change the file system or make keys: the script's preparation for the daemon. */
const WORK_PROGRAMS = new Set(['mkdir', 'install', 'chown', 'chgrp', 'chmod', 'touch', 'ln', 'mknod', 'ssh-keygen', 'checkpath', 'mount']);
/**
 * Arguments that make the daemon test its configuration and exit (nginx/sshd `-t`, apache `configtest`):
 * the only runs of the daemon itself that are start work; the others ask its version or whether it runs.
 */
const CONFIG_TEST = new Set(['-t', '-T', '--test', '--test-config', '--configtest', 'configtest', '-checkconfig', '--check-config']);
/** Functions only used to stop, reload or report. */
const NOT_START = /stop|status|reload|force|usage|log_/i;

/**
 * What may follow the daemon's start in the same function without being work on its behalf: the shell's
 * own commands, messages, init-functions' helpers (the differential harness saw tgt's `tgtadm` calls
 * after start-stop-daemon: programs like that are start-time work a run script does not do).
 */
const AFTER_START_BENIGN = new Set([
  '[', 'test', 'true', 'false', ':', 'return', 'exit', 'echo', 'printf', 'sleep', 'local', 'set', 'shift', 'break', 'continue',
  'start-stop-daemon', 'pidofproc', 'killproc', 'status_of_proc', 'rm', 'pidof', 'case', 'esac', 'if', 'fi', 'for', 'while', 'until', 'done',
]);

/** Lines of `start-stop-daemon --start` calls inside functions, by function. */
export function ssdStartLines(commands: readonly SimpleCommand[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const cmd of commands) {
    const head = cmd.words[0] ? plainText(cmd.words[0].parts) : undefined;
    if (cmd.inFunction === undefined || head?.slice(head.lastIndexOf('/') + 1) !== 'start-stop-daemon') continue;
    if (!cmd.words.some((w) => ['--start', '-S'].includes(plainText(w.parts) ?? ''))) continue;
    if (!first.has(cmd.inFunction)) first.set(cmd.inFunction, cmd.line);
  }
  return first;
}

export function findStartWork(text: string, file: string, env: ShellEnv, daemons: readonly string[]): StartWork[] {
  const out: { work: StartWork; key: number[] }[] = [];
  const commands = simpleCommands(text).commands;
  const atStart = startPath(commands);
  const key = runOrder(commands, atStart);
  const started = ssdStartLines(commands);
  const lines = text.split('\n');
  // `a|b)` of a case: the scanner reads the patterns as commands.
  const isPattern = (cmd: SimpleCommand): boolean => {
    const raw = cmd.words.map((w) => w.raw).join(' ');
    const l = (lines[cmd.line - 1] ?? '').trim();
    return /^[^\s()]+(?:\s*\|\s*[^\s()]+)*\s*\)/.test(l) && l.split(')')[0]!.split('|').map((p) => p.trim()).includes(raw);
  };
  for (const cmd of commands) {
    if (!atStart(cmd) || cmd.pipedOut) continue;
    const head = commandHead(cmd, env);
    if (head === undefined) continue;
    const base = head.slice(head.lastIndexOf('/') + 1);
    const isDaemon = daemons.includes(head) && cmd.words.slice(1).some((w) => CONFIG_TEST.has(w.raw));
    const startLine = cmd.inFunction !== undefined ? started.get(cmd.inFunction) : undefined;
    const afterStart = startLine !== undefined && cmd.line > startLine && !AFTER_START_BENIGN.has(base) && !base.startsWith('log_') && !base.includes('=') && !isPattern(cmd);
    if (!WORK_PROGRAMS.has(base) && !isDaemon && !afterStart) continue;
    const origin: Origin = { file, line: cmd.line };
    const raw = cmd.words.map((w) => w.raw).join(' ');
    const argv = knownArgv(cmd, env, file);
    const live = argv ? undefined : liveWords(cmd, env, file);
    out.push({ work: argv ? { text: raw, argv, origin } : live ? { text: raw, live, origin } : { text: raw, origin }, key: key(cmd) });
  }
  // In the order the script runs them: a function's commands where it is first called.
  return out.sort((a, b) => compareKeys(a.key, b.key)).map((o) => o.work);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** `start` matches a case pattern (`start`, `start|restart`, `*`, `"start"`, `[Ss]tart`). */
function patternMatchesStart(pattern: string): boolean {
  return globRegex(pattern.replace(/["']/g, '')).test('start');
}

/**
 * Whether a command runs when init starts the script (`NAME start`): at top level, not in an arm of the
 * action `case` other than start's (the first arm matching `start`: shell case takes the first match);
 * in a function, when the function is called from there (or never called in the script, when its name is
 * not a stop/status one: a framework hook such as init-d-script's do_start_prepare).
 */
function startPath(commands: readonly SimpleCommand[]): (cmd: SimpleCommand) => boolean {
  const armRuns = (arm: string[] | undefined): boolean => arm === undefined || arm.some(patternMatchesStart);
  const heads = commands.map((c) => (c.words[0] ? plainText(c.words[0].parts) : undefined));
  const defined = new Set(commands.flatMap((c) => (c.inFunction !== undefined ? [c.inFunction] : [])));
  const called = new Set(heads.filter((h): h is string => h !== undefined && defined.has(h)));
  const reachable = new Set<string>();
  for (const f of defined) if (!called.has(f) && !NOT_START.test(f)) reachable.add(f);
  let grew = true;
  while (grew) {
    grew = false;
    commands.forEach((c, i) => {
      const h = heads[i];
      if (h === undefined || !defined.has(h) || reachable.has(h) || c.notAtStart) return;
      const from = c.inFunction === undefined ? armRuns(c.arm) : reachable.has(c.inFunction) && !NOT_START.test(c.inFunction);
      if (from) { reachable.add(h); grew = true; }
    });
  }
  return (cmd) => !cmd.notAtStart && (cmd.inFunction === undefined ? armRuns(cmd.arm) : reachable.has(cmd.inFunction) && !NOT_START.test(cmd.inFunction));
}

function runOrder(commands: readonly SimpleCommand[], atStart: (cmd: SimpleCommand) => boolean): (cmd: SimpleCommand) => number[] {
  const memo = new Map<string, number[]>();
  const callKey = (fn: string, seen: Set<string>): number[] => {
    const known = memo.get(fn);
    if (known) return known;
    if (seen.has(fn)) return [Infinity];
    seen.add(fn);
    let best: number[] = [Infinity];
    for (const c of commands) {
      if (plainText(c.words[0]!.parts) !== fn || !atStart(c)) continue;
      const k = c.inFunction === undefined ? [c.line] : [...callKey(c.inFunction, seen), c.line];
      if (compareKeys(k, best) < 0) best = k;
    }
    memo.set(fn, best);
    return best;
  };
  return (cmd) => (cmd.inFunction === undefined ? [cmd.line] : [...callKey(cmd.inFunction, new Set()), cmd.line]);
}

/** The program a command runs (its first word expanded), when known. */
function commandHead(cmd: SimpleCommand, env: ShellEnv): string | undefined {
  const first = cmd.words[0];
  if (!first) return undefined;
  const plain = plainText(first.parts);
  if (plain !== undefined) return plain;
  const e = expandWord(first.parts, env.lookup, true);
  return e.unresolved || e.fields.length !== 1 ? undefined : e.fields[0];
}

/** The argv, when every word expands to known text from the script's own assignments. */
function knownArgv(cmd: SimpleCommand, env: ShellEnv, file: string): string[] | undefined {
  const argv: string[] = [];
  for (const w of cmd.words) {
    if (w.parts.length === 1 && w.parts[0]!.kind === 'opaque') {
      const dir = dirnameOf(w.parts[0]!.raw, env, file);
      if (dir === undefined) return undefined;
      argv.push(dir);
      continue;
    }
    for (const p of w.parts) {
      if (p.kind === 'opaque') return undefined;
      if (p.kind === 'param') {
        const v = env.vars.get(p.name);
        if (!v || v.unresolved || v.origin.file !== file || p.op !== undefined) return undefined;
      }
    }
    const e = expandWord(w.parts, env.lookup, true);
    if (e.unresolved) return undefined;
    argv.push(...e.fields);
  }
  return argv;
}

/**
 * `export NAME=VALUE` inside the function that starts the daemon, before the start: the daemon inherits
 * it (dbus's `export SYSTEMD_NSS_BYPASS_BUS=1`, seen by the differential harness). Literal values only;
 * the rest is not known statically and is returned as `unknown`.
 */
export function startFunctionExports(text: string, file: string): { known: { name: string; value: string; origin: Origin }[]; unknown: { name: string; origin: Origin }[] } {
  const commands = simpleCommands(text).commands;
  const started = ssdStartLines(commands);
  const known: { name: string; value: string; origin: Origin }[] = [];
  const unknown: { name: string; origin: Origin }[] = [];
  for (const cmd of commands) {
    const line = cmd.inFunction !== undefined ? started.get(cmd.inFunction) : undefined;
    if (line === undefined || cmd.line > line || !cmd.words[0] || plainText(cmd.words[0].parts) !== 'export') continue;
    for (const w of cmd.words.slice(1)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.raw);
      if (!m) continue;
      const text = plainText(w.parts);
      const origin = { file, line: cmd.line };
      if (text !== undefined) known.push({ name: m[1]!, value: text.slice(m[0].length), origin });
      else unknown.push({ name: m[1]!, origin });
    }
  }
  return { known, unknown };
}

/** `$(dirname $VAR)` (a pid file's directory), when VAR is known from the script itself. */
function dirnameOf(raw: string, env: ShellEnv, file: string): string | undefined {
  const m = /^"?\$\(dirname\s+"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?\)"?$/.exec(raw);
  const v = m ? env.vars.get(m[1]!) : undefined;
  if (!v || v.unresolved || v.origin.file !== file || !v.value.startsWith('/')) return undefined;
  const path = v.value.replace(/\/+$/, '');
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/**
 * The words as written, when a shell can expand them at start to what the script would: each variable
 * is either the script's own known value (preset) or one the script never assigns (from the defaults
 * file the run script sources and exports, or unset). No command substitution, no `${x:-y}` forms.
 */
function liveWords(cmd: SimpleCommand, env: ShellEnv, file: string): { words: string[]; presets: [string, string][] } | undefined {
  const presets = new Map<string, string>();
  for (const w of cmd.words) {
    for (const p of w.parts) {
      if (p.kind === 'opaque' || (p.kind === 'param' && p.op !== undefined)) return undefined;
      if (p.kind !== 'param') continue;
      if (!/^[A-Za-z_]/.test(p.name)) return undefined;
      const v = env.vars.get(p.name);
      // Never set where we can see, yet assigned somewhere (a function, a loop): unknown.
      if (v ? v.unresolved : env.dynamic.has(p.name)) return undefined;
      if (v && v.origin.file === file) presets.set(p.name, v.value);
    }
  }
  return { words: cmd.words.map((w) => w.raw), presets: [...presets] };
}

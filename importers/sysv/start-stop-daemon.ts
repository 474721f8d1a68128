/**
 * `start-stop-daemon` calls (dpkg's start-stop-daemon(8)) and lsb init-functions' `start_daemon`, read
 * statically. Words are expanded with the script's variables; anything unknown marks the call unresolved.
 */
import type { Origin, SsdCall } from '../../src/model/service.js';
import { expandWord } from './shell-words.js';
import { factCommands, plainText, type SimpleCommand, type WordToken } from './shell-lines.js';
import type { ShellEnv } from './shell-vars.js';

/** One option of start-stop-daemon(8): long name, short letter, whether it takes a value. */
interface SsdOption {
  long: string;
  short?: string;
  arg: boolean;
}

// From start-stop-daemon(8) (dpkg 1.21+) "Commands" and "Options"; getopt_long semantics.
const SSD_OPTIONS: SsdOption[] = [
  { long: 'start', short: 'S', arg: false },
  { long: 'stop', short: 'K', arg: false },
  { long: 'status', short: 'T', arg: false },
  { long: 'help', short: 'H', arg: false },
  { long: 'version', short: 'V', arg: false },
  { long: 'exec', short: 'x', arg: true },
  { long: 'startas', short: 'a', arg: true },
  { long: 'pidfile', short: 'p', arg: true },
  { long: 'pid', arg: true },
  { long: 'ppid', arg: true },
  { long: 'name', short: 'n', arg: true },
  { long: 'user', short: 'u', arg: true },
  { long: 'chuid', short: 'c', arg: true },
  { long: 'group', short: 'g', arg: true },
  { long: 'background', short: 'b', arg: false },
  { long: 'make-pidfile', short: 'm', arg: false },
  { long: 'remove-pidfile', arg: false },
  { long: 'chdir', short: 'd', arg: true },
  { long: 'chroot', short: 'r', arg: true },
  { long: 'umask', short: 'k', arg: true },
  { long: 'quiet', short: 'q', arg: false },
  { long: 'verbose', short: 'v', arg: false },
  { long: 'oknodo', short: 'o', arg: false },
  { long: 'test', short: 't', arg: false },
  { long: 'nicelevel', short: 'N', arg: true },
  { long: 'procsched', short: 'P', arg: true },
  { long: 'iosched', short: 'I', arg: true },
  { long: 'retry', short: 'R', arg: true },
  { long: 'signal', short: 's', arg: true },
  { long: 'notify-await', arg: false },
  { long: 'notify-timeout', arg: true },
  { long: 'output', short: 'O', arg: true },
  { long: 'no-close', short: 'C', arg: false },
];

// Lookups by name for getopt_long: a linear search per option word showed in profiles (430 calls a host).
const BY_LONG = new Map(SSD_OPTIONS.map((o) => [o.long, o]));
const BY_SHORT = new Map(SSD_OPTIONS.filter((o) => o.short !== undefined).map((o) => [o.short!, o]));

interface Field {
  text: string;
  unresolved: boolean;
  /** Index of the shell word it came from (program arguments are traced back to their spelling). */
  word?: number;
}

/** Options of one call: long name -> value (`true` for flags); `args` = program arguments. */
export interface ParsedSsd {
  options: Map<string, string | true>;
  args: Field[];
  unknownOptions: string[];
}

/** getopt_long over already expanded words: `--opt=v`, `--opt v`, unique prefixes, `-xv` clusters, `--`. */
export function parseSsdArgs(fields: Field[]): ParsedSsd & { unresolvedOpts: Set<string>; argsFromWord?: number } {
  let argsFromWord: number | undefined;
  const options = new Map<string, string | true>();
  const unresolvedOpts = new Set<string>();
  const args: Field[] = [];
  const unknownOptions: string[] = [];
  const set = (o: SsdOption, v: Field | undefined) => {
    options.set(o.long, v === undefined ? true : v.text);
    if (v?.unresolved) unresolvedOpts.add(o.long);
  };
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.text === '--') {
      // Program arguments are traceable to their words only when none came before `--` (getopt permutes).
      if (args.length === 0 && f.word !== undefined) argsFromWord = f.word + 1;
      args.push(...fields.slice(i + 1));
      break;
    }
    if (f.text.startsWith('--')) {
      const eq = f.text.indexOf('=');
      const name = f.text.slice(2, eq === -1 ? undefined : eq);
      const o = BY_LONG.get(name) ?? uniquePrefix(name);
      if (!o) { unknownOptions.push(f.text); continue; }
      if (!o.arg) { set(o, undefined); continue; }
      if (eq !== -1) set(o, { text: f.text.slice(eq + 1), unresolved: f.unresolved });
      else set(o, fields[++i]);
      continue;
    }
    if (f.text.startsWith('-') && f.text.length > 1 && !f.unresolved) {
      for (let j = 1; j < f.text.length; j++) {
        const o = BY_SHORT.get(f.text[j]!);
        if (!o) { unknownOptions.push('-' + f.text[j]); continue; }
        if (!o.arg) { set(o, undefined); continue; }
        const rest = f.text.slice(j + 1);
        set(o, rest !== '' ? { text: rest, unresolved: false } : fields[++i]);
        break;
      }
      continue;
    }
    args.push(f); // getopt_long permutes non-options to the end: they are program arguments
  }
  const r: ParsedSsd & { unresolvedOpts: Set<string>; argsFromWord?: number } = { options, args, unknownOptions, unresolvedOpts };
  if (argsFromWord !== undefined) r.argsFromWord = argsFromWord;
  return r;
}

function uniquePrefix(name: string): SsdOption | undefined {
  const m = SSD_OPTIONS.filter((x) => name !== '' && x.long.startsWith(name));
  return m.length === 1 ? m[0] : undefined;
}

export interface FoundCall {
  call: SsdCall;
  /** `--test`: a probe asking whether the daemon already runs, not a real start. */
  test: boolean;
  action: 'start' | 'stop' | 'other';
  /** `--retry` / `--signal` of a stop call, for the stop signal. */
  retry?: string;
  signal?: string;
  /** Source text of what could not be resolved. */
  unknown: string[];
  unknownOptions: string[];
  /** Long names of options whose value is unresolved; `--` for the program arguments. */
  unresolvedParts: Set<string>;
  /**
   * The shell words that gave `call.args`, each with how many fields it gave, when they can be told
   * apart: every word after `--` (or after start_daemon's program), and nothing else, made the arguments.
   */
  argWords?: ArgWord[];
  /** Index of the first shell word after `--` (or after start_daemon's program), when known. */
  argsFromWord?: number;
}

export interface ArgWord {
  token: WordToken;
  fields: number;
}

/** Every start-stop-daemon / start_daemon call in the script, start and stop, in file order. */
export function findDaemonCalls(text: string, file: string, env: ShellEnv): FoundCall[] {
  const out: FoundCall[] = [];
  // Indexed loops: this runs unoptimised for most scripts, where for-of allocates per element.
  const commands = factCommands(text).commands;
  for (let c = 0; c < commands.length; c++) {
    const cmd = commands[c]!;
    const at = commandStart(cmd);
    if (at === -1) continue;
    const name = plainText(cmd.words[at]!.parts)!;
    const unknown: string[] = [];
    const fields: Field[] = [];
    const counts: number[] = [];
    for (let k = at + 1; k < cmd.words.length; k++) {
      const e = expandWord(cmd.words[k]!.parts, env.lookup, true);
      for (let u = 0; u < e.unknown.length; u++) if (!unknown.includes(e.unknown[u]!)) unknown.push(e.unknown[u]!);
      for (let f = 0; f < e.fields.length; f++) fields.push({ text: e.fields[f]!, unresolved: e.unresolved, word: k });
      counts[k] = e.fields.length;
    }
    const origin: Origin = { file, line: cmd.line };
    const found = name === 'start_daemon' ? fromStartDaemon(fields, origin) : fromSsd(fields, origin);
    found.unknown = unknown;
    // Output sent to a file (not /dev/null, not another descriptor): the longrun's goes to s6-log.
    const target = [...(cmd.outputTo ?? []), ...(found.call.outputTo !== undefined ? [found.call.outputTo] : [])].find((t) => !/^&?-?\d*$|^\/dev\/null$/.test(t));
    if (target !== undefined) found.call.outputTo = target;
    else delete found.call.outputTo;
    const words = argWords(cmd.words, counts, found.argsFromWord, found.call.args.length);
    if (words) found.argWords = words;
    out.push(found);
  }
  return out;
}

/** Index of the command word when the command runs start-stop-daemon or start_daemon, else -1. */
function commandStart(cmd: SimpleCommand): number {
  let i = 0;
  // Skip `VAR=x` prefixes and `exec`.
  while (i < cmd.words.length) {
    const t = plainText(cmd.words[i]!.parts);
    if (t === undefined) return -1;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(t) || t === 'exec') { i++; continue; }
    const base = t.slice(t.lastIndexOf('/') + 1);
    if (base === 'start-stop-daemon' || t === 'start_daemon') return i;
    return -1;
  }
  return -1;
}

/** start-stop-daemon options that match or track the process, which supervision replaces. */
const MATCHING_OPTIONS = new Set(['pidfile', 'name', 'user', 'ppid', 'pid', 'retry', 'signal', 'notify-timeout', 'output']);

/** SsdCall field <- start-stop-daemon option whose value it records. */
const COPIED_OPTIONS: readonly (readonly [keyof SsdCall, string])[] = [
  ['exec', 'exec'], ['startas', 'startas'], ['pidfile', 'pidfile'], ['chuid', 'chuid'], ['group', 'group'],
  ['chdir', 'chdir'], ['umask', 'umask'], ['procName', 'name'], ['matchUser', 'user'], ['nicelevel', 'nicelevel'],
  ['chroot', 'chroot'],
];

function fromSsd(fields: Field[], origin: Origin): FoundCall {
  const p = parseSsdArgs(fields);
  const o = p.options;
  const str = (k: string) => { const v = o.get(k); return typeof v === 'string' ? v : undefined; };
  const call: SsdCall = {
    origin,
    background: o.has('background'),
    makePidfile: o.has('make-pidfile'),
    args: p.args.map((a) => a.text),
    // Options that only find or track the process (pidfile, name, ...) do not change how it runs.
    unresolved: [...p.unresolvedOpts].some((o) => !MATCHING_OPTIONS.has(o)) || p.args.some((a) => a.unresolved),
    via: 'start-stop-daemon',
  };
  for (let k = 0; k < COPIED_OPTIONS.length; k++) {
    const v = str(COPIED_OPTIONS[k]![1]);
    if (v !== undefined) (call as unknown as Record<string, unknown>)[COPIED_OPTIONS[k]![0]] = v;
  }
  if (o.has('notify-await')) call.notifyAwait = true;
  const output = str('output');
  if (output !== undefined) call.outputTo = output;
  const action = o.has('start') ? 'start' : o.has('stop') ? 'stop' : 'other';
  const unresolvedParts = new Set(p.unresolvedOpts);
  if (p.args.some((a) => a.unresolved)) unresolvedParts.add('--');
  const found: FoundCall = { call, test: o.has('test'), action, unknown: [], unknownOptions: p.unknownOptions, unresolvedParts };
  if (p.argsFromWord !== undefined) found.argsFromWord = p.argsFromWord;
  const retry = str('retry');
  const signal = str('signal');
  if (retry !== undefined) found.retry = retry;
  if (signal !== undefined) found.signal = signal;
  return found;
}

/** Debian /lib/lsb/init-functions: `start_daemon [-f] [-n nice] [-p pidfile] [--] pathname [args...]`. */
function fromStartDaemon(fields: Field[], origin: Origin): FoundCall {
  const call: SsdCall = { origin, background: false, makePidfile: false, args: [], unresolved: false, via: 'start_daemon' };
  const unresolvedParts = new Set<string>();
  let i = 0;
  for (; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.text === '-f') continue;
    if (f.text === '-n' || f.text === '-p') {
      const v = fields[++i];
      if (!v) break;
      if (f.text === '-n') call.nicelevel = v.text; else call.pidfile = v.text;
      if (v.unresolved) unresolvedParts.add(f.text === '-n' ? 'nicelevel' : 'pidfile');
      continue;
    }
    if (f.text === '--') i++;
    break;
  }
  const rest = fields.slice(i);
  if (rest[0]) call.exec = rest[0].text;
  call.args = rest.slice(1).map((a) => a.text);
  if (rest[0]?.unresolved) unresolvedParts.add('exec');
  if (rest.slice(1).some((a) => a.unresolved)) unresolvedParts.add('--');
  call.unresolved = unresolvedParts.size > 0;
  const found: FoundCall = { call, test: false, action: 'start', unknown: [], unknownOptions: [], unresolvedParts };
  if (rest[0]?.word !== undefined) found.argsFromWord = rest[0].word + 1;
  return found;
}

/** The words from `from` on, with their field counts, when together they gave exactly the arguments. */
function argWords(words: readonly WordToken[], counts: readonly number[], from: number | undefined, argCount: number): ArgWord[] | undefined {
  if (from === undefined) return undefined;
  const out: ArgWord[] = [];
  let total = 0;
  for (let k = from; k < words.length; k++) {
    out.push({ token: words[k]!, fields: counts[k] ?? 0 });
    total += counts[k] ?? 0;
  }
  return total === argCount ? out : undefined;
}

/** `--retry` schedule: `TERM/30/KILL/5` or a bare timeout `5` (signal then from `--signal`, default TERM). */
export function stopFromRetry(retry: string | undefined, signal: string | undefined): { signal: string; timeoutMs?: number } | undefined {
  const norm = (s: string) => s.replace(/^SIG/i, '').toUpperCase();
  if (retry === undefined) return signal !== undefined ? { signal: norm(signal) } : undefined;
  const parts = retry.split('/');
  if (parts.length === 1 && /^\d+$/.test(parts[0]!)) return { signal: norm(signal ?? 'TERM'), timeoutMs: Number(parts[0]) * 1000 };
  const [sig, t] = parts;
  if (sig === undefined || /^\d+$/.test(sig) || sig === 'forever') return signal !== undefined ? { signal: norm(signal) } : undefined;
  const r: { signal: string; timeoutMs?: number } = { signal: norm(sig) };
  if (t !== undefined && /^\d+$/.test(t)) r.timeoutMs = Number(t) * 1000;
  return r;
}

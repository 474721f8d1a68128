/**
 * Value syntaxes of unit settings: time spans, resource limits, signals, environment assignments.
 */
import { constants } from 'node:os';
import { splitUnitWords } from './exec-line.js';

// systemd.time(7) "PARSING TIME SPANS": unit -> milliseconds.
const TIME_UNITS: [string[], number][] = [
  [['usec', 'us', 'µs', 'μs'], 0.001],
  [['msec', 'ms'], 1],
  [['seconds', 'second', 'sec', 's'], 1000],
  [['minutes', 'minute', 'min', 'm'], 60_000],
  [['hours', 'hour', 'hr', 'h'], 3_600_000],
  [['days', 'day', 'd'], 86_400_000],
  [['weeks', 'week', 'w'], 604_800_000],
  [['months', 'month', 'M'], 2_629_800_000], // 30.44 days, as systemd defines it
  [['years', 'year', 'y'], 31_557_600_000], // 365.25 days
];
const UNIT_MS = new Map<string, number>();
for (const [names, ms] of TIME_UNITS) for (const n of names) UNIT_MS.set(n, ms);

/**
 * `1min 30s`, `90`, `5.5s`, `infinity` -> milliseconds (`Infinity` for infinity); null when malformed.
 * A bare number is in `defaultUnit` (seconds for Timeout*Sec=).
 */
export function parseTimeSpan(text: string, defaultUnit = 's'): number | null {
  const t = text.trim();
  if (t === 'infinity') return Infinity;
  if (t === '') return null;
  const re = /\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-zA-Zµμ]*)/y;
  let total = 0;
  let pos = 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m || m[0].length === 0) return null;
    const mult = UNIT_MS.get(m[2] === '' ? defaultUnit : m[2]!);
    if (mult === undefined) return null;
    total += parseFloat(m[1]!) * mult;
    pos = re.lastIndex;
  }
  return Math.round(total);
}

/** `SIGINT`, `INT`, `2` -> `INT`; undefined when not a signal. */
export function signalName(text: string): string | undefined {
  const t = text.trim();
  const sigs = constants.signals as Record<string, number>;
  if (/^[0-9]+$/.test(t)) {
    const n = Number(t);
    const found = Object.keys(sigs).find((k) => sigs[k] === n);
    return found?.slice(3);
  }
  const name = t.startsWith('SIG') ? t : 'SIG' + t;
  return name in sigs ? name.slice(3) : undefined;
}

export interface LimitSpec {
  /** s6-softlimit flag letter. */
  letter?: string;
  /** How the value reads: bytes (K/M/G suffixes, base 1024), a count, or CPU seconds. */
  kind: 'bytes' | 'count' | 'seconds';
}

// systemd.exec(5) "PROCESS PROPERTIES" table of Limit*= vs setrlimit(2); letters from s6-softlimit(1).
export const LIMITS: Record<string, LimitSpec> = {
  LimitCPU: { letter: 't', kind: 'seconds' }, // RLIMIT_CPU, s6-softlimit -t
  LimitFSIZE: { letter: 'f', kind: 'bytes' }, // RLIMIT_FSIZE, -f
  LimitDATA: { letter: 'd', kind: 'bytes' }, // RLIMIT_DATA, -d
  LimitSTACK: { letter: 's', kind: 'bytes' }, // RLIMIT_STACK, -s
  LimitCORE: { letter: 'c', kind: 'bytes' }, // RLIMIT_CORE, -c
  LimitRSS: { letter: 'r', kind: 'bytes' }, // RLIMIT_RSS is s6-softlimit -r (-m sets every memory limit at once)
  LimitNOFILE: { letter: 'o', kind: 'count' }, // RLIMIT_NOFILE, -o
  LimitAS: { letter: 'a', kind: 'bytes' }, // RLIMIT_AS, -a
  LimitNPROC: { letter: 'p', kind: 'count' }, // RLIMIT_NPROC, -p
  LimitMEMLOCK: { letter: 'l', kind: 'bytes' }, // RLIMIT_MEMLOCK, -l
  // No s6-softlimit flag for these (s6 2.11): reported, not carried.
  LimitLOCKS: { kind: 'count' },
  LimitSIGPENDING: { kind: 'count' },
  LimitMSGQUEUE: { kind: 'bytes' },
  LimitNICE: { kind: 'count' },
  LimitRTPRIO: { kind: 'count' },
  LimitRTTIME: { kind: 'count' },
};

const BYTE_SUFFIX: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5, E: 1024 ** 6 };

/** One side of `soft:hard`: `=` for infinity (s6-softlimit: raise to the hard limit), else a number. */
function limitNumber(text: string, kind: LimitSpec['kind']): string | null {
  if (text === 'infinity') return '=';
  if (kind === 'seconds') {
    const ms = parseTimeSpan(text, 's');
    return ms === null || !Number.isFinite(ms) ? null : String(Math.floor(ms / 1000));
  }
  if (kind === 'bytes') {
    const m = /^([0-9]+)([KMGTPE]?)B?$/.exec(text);
    if (!m) return null;
    return String(Number(m[1]) * (BYTE_SUFFIX[m[2]!] ?? 1));
  }
  return /^[0-9]+$/.test(text) ? text : null;
}

/** `LimitNOFILE=1024:4096` -> soft `1024`, hard `4096`. Null when malformed. */
export function parseLimit(text: string, kind: LimitSpec['kind']): { soft: string; hard?: string } | null {
  const [a, b, extra] = text.trim().split(':');
  if (extra !== undefined || a === undefined) return null;
  const soft = limitNumber(a, kind);
  if (soft === null) return null;
  if (b === undefined) return { soft };
  const hard = limitNumber(b, kind);
  return hard === null ? null : { soft, hard };
}

export type EnvParse = { assignments: [string, string][]; invalid: string[]; error?: string };

/** `Environment="A=1 2" B=3`: words with quoting, each `NAME=value` (systemd.exec(5)). */
export function parseEnvironment(text: string): EnvParse {
  const split = splitUnitWords(text);
  if (!split.ok) return { assignments: [], invalid: [], error: split.error };
  const out: EnvParse = { assignments: [], invalid: [] };
  for (const w of split.words) {
    const eq = w.text.indexOf('=');
    const name = eq > 0 ? w.text.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) out.invalid.push(w.text);
    else out.assignments.push([name, w.text.slice(eq + 1)]);
  }
  return out;
}

const TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);

/** systemd's parse_boolean; undefined when neither. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}

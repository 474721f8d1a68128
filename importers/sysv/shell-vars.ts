/**
 * Top-level shell variables of an init script and of the files it sources (`/etc/default/NAME`), read
 * without running anything: `NAME=value`, `export NAME=value`, `readonly`, `unset`, and the common
 * `: ${NAME:=default}` idiom. Assignments inside function bodies are ignored (they run only when the
 * function is called, with values we cannot know).
 */
import type { Origin } from '../../src/model/service.js';
import { expandWord, expandParamArg, type Lookup, type WordPart } from './shell-words.js';
import { simpleCommands, plainText, type ScanProblem, type WordToken } from './shell-lines.js';

export interface ShellVar {
  value: string;
  origin: Origin;
  /** The value holds something unknown (`$(...)`, an unset variable); its text stands in. */
  unresolved: boolean;
  exported: boolean;
}

// Variables a script inherits from whoever runs it (login(1), environ(7)); their value is not known here.
const INHERITED = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'TERM', 'PWD', 'OLDPWD', 'SHELL', 'LANG', 'LANGUAGE', 'HOSTNAME',
  'UID', 'EUID', 'PPID', 'RANDOM', 'IFS', 'OPTARG', 'OPTIND', 'LINENO', 'VERBOSE', 'INIT_VERBOSE', 'RUNLEVEL', 'PREVLEVEL']);

/** Variables in assignment order; `special` holds `$0` and friends. */
export class ShellEnv {
  readonly vars = new Map<string, ShellVar>();
  /** Names some code assigns at run time (in functions, loops, `read`): unknown when not set at top level. */
  readonly dynamic = new Set<string>();
  constructor(private readonly special: Record<string, string> = {}) {}

  /**
   * A name no code ever assigns expands to the empty string (the script cannot get it from anywhere
   * but the inherited environment, which is checked separately).
   */
  readonly lookup: Lookup = (name) => {
    const v = this.vars.get(name);
    if (v) return { value: v.value, unresolved: v.unresolved };
    const s = this.special[name];
    if (s !== undefined) return { value: s };
    if (!/^[A-Za-z_]/.test(name)) return undefined; // $1, $@, $?: known only at run time
    if (this.dynamic.has(name) || INHERITED.has(name) || /^LC_/.test(name)) return { value: '$' + name, unresolved: true };
    return { value: '' };
  };

  /** Resolved value, or undefined when unset or unresolved. */
  get(name: string): string | undefined {
    const v = this.vars.get(name);
    return v && !v.unresolved ? v.value : undefined;
  }

  /** Record every name the text may assign at run time (over-inclusive on purpose: unknown beats wrong). */
  noteDynamicNames(text: string): void {
    const add = (n: string | undefined) => { if (n) this.dynamic.add(n); };
    text = text.replace(/(^|\s)#.*$/gm, '$1'); // comments name variables without assigning them
    for (const m of text.matchAll(/(?:^|[\s;&|(`])([A-Za-z_][A-Za-z0-9_]*)\+?=/gm)) add(m[1]);
    for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?=/g)) add(m[1]);
    for (const m of text.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s/g)) add(m[1]);
    for (const m of text.matchAll(/\b(?:read|local|declare|typeset|getopts\s+\S+)((?:\s+-[A-Za-z]+)*(?:\s+[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      for (const w of m[1]!.trim().split(/\s+/)) if (/^[A-Za-z_]/.test(w)) add(w);
    }
  }
}

export interface SourceDirective {
  /** Expanded path argument of `.`/`source`. */
  path: string;
  unresolved: boolean;
  line: number;
}

export interface EvalOptions {
  /** Called for every top-level `. FILE`, in order; the caller may apply the file to `env` right away. */
  onSource?: (src: SourceDirective) => void;
}

const ASSIGN_RE = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Apply a script's (or defaults file's) top-level assignments to `env`, in file order. */
export function evalAssignments(text: string, file: string, env: ShellEnv, opts: EvalOptions = {}): ScanProblem[] {
  const { commands, problems } = simpleCommands(text);
  for (const cmd of commands) {
    if (cmd.inFunction !== undefined) continue;
    const origin: Origin = { file, line: cmd.line };
    const head = plainText(cmd.words[0]!.parts);
    if (head === 'export' || head === 'readonly') {
      for (const w of cmd.words.slice(1)) {
        const a = splitAssignment(w);
        if (a) assign(env, a.name, a.value, origin, true);
        else {
          const name = plainText(w.parts);
          const v = name !== undefined ? env.vars.get(name) : undefined;
          if (v) v.exported = true;
        }
      }
      continue;
    }
    if (head === 'unset') {
      for (const w of cmd.words.slice(1)) {
        const name = plainText(w.parts);
        if (name !== undefined && !name.startsWith('-')) env.vars.delete(name);
      }
      continue;
    }
    if (head === ':') {
      for (const w of cmd.words.slice(1)) applyAssignDefaults(env, w.parts, origin);
      continue;
    }
    if ((head === '.' || head === 'source') && cmd.words[1]) {
      const e = expandWord(cmd.words[1].parts, env.lookup, false);
      opts.onSource?.({ path: e.fields.join(''), unresolved: e.unresolved, line: cmd.line });
      continue;
    }
    // `A=1 cmd` sets A for cmd only; a line of assignments alone sets shell variables. Most commands
    // start with a plain word, so stop at the first word that is not an assignment.
    const assigns: { name: string; value: WordPart[] }[] = [];
    for (const w of cmd.words) {
      const a = splitAssignment(w);
      if (!a) break;
      assigns.push(a);
    }
    if (assigns.length === cmd.words.length) {
      for (const a of assigns) assign(env, a.name, a.value, origin, false);
    }
  }
  return problems;
}

function splitAssignment(w: WordToken): { name: string; value: WordPart[] } | undefined {
  const first = w.parts[0];
  if (!first || first.kind !== 'lit' || first.quoted) return undefined;
  const m = ASSIGN_RE.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const value: WordPart[] = rest === '' ? [] : [{ kind: 'lit', text: rest, quoted: false }];
  return { name: m[1]!, value: [...value, ...w.parts.slice(1)] };
}

function assign(env: ShellEnv, name: string, value: WordPart[], origin: Origin, exported: boolean): void {
  const e = expandWord(value, env.lookup, false);
  const prev = env.vars.get(name);
  env.vars.set(name, { value: e.fields.join(''), origin, unresolved: e.unresolved, exported: exported || (prev?.exported ?? false) });
}

/** `: ${NAME:=default}` assigns when NAME is unset (or empty for `:=`). */
function applyAssignDefaults(env: ShellEnv, parts: WordPart[], origin: Origin): void {
  for (const p of parts) {
    if (p.kind !== 'param' || (p.op !== ':=' && p.op !== '=')) continue;
    const cur = env.vars.get(p.name);
    const unset = cur === undefined || (p.op === ':=' && cur.value === '' && !cur.unresolved);
    if (!unset) continue;
    const e = expandParamArg(p.arg ?? '', env.lookup);
    env.vars.set(p.name, { value: e.fields.join(' '), origin, unresolved: e.unresolved, exported: cur?.exported ?? false });
  }
}

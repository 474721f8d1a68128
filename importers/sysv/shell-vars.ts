/**
 * Top-level shell variables of an init script and of the files it sources (`/etc/default/NAME`), read
 * without running anything: `NAME=value`, `export NAME=value`, `readonly`, `unset`, and the common
 * `: ${NAME:=default}` idiom. Assignments inside function bodies are ignored (they run only when the
 * function is called, with values we cannot know).
 */
import type { Origin } from '../../src/model/service.js';
import { expandWord, expandParamArg, type Lookup, type WordPart } from './shell-words.js';
import { factCommands, plainText, type ScanProblem, type WordToken } from './shell-lines.js';

export interface ShellVar {
  value: string;
  origin: Origin;
  /** The value holds something unknown (`$(...)`, an unset variable); its text stands in. */
  unresolved: boolean;
  exported: boolean;
}

// Variables a script inherits from whoever runs it (login(1), environ(7)); their value is not known here.
const INHERITED = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'TERM', 'PWD', 'OLDPWD', 'SHELL', 'LANG', 'LANGUAGE', 'HOSTNAME',
  'UID', 'EUID', 'PPID', 'RANDOM', 'IFS', 'OPTARG', 'OPTIND', 'LINENO', 'VERBOSE', 'INIT_VERBOSE', 'RUNLEVEL', 'PREVLEVEL',
  // Set by a login session (pam_systemd), not at boot: a script started by hand sees another value.
  'XDG_RUNTIME_DIR']);

/** Variables in assignment order; `special` holds `$0` and friends. */
export class ShellEnv {
  readonly vars = new Map<string, ShellVar>();
  /** `set -a` is on: every assignment exports (a sourced defaults file's too). */
  allexport = false;
  private readonly assignedAtRunTime = new Set<string>();
  /** Texts noted but not yet searched: most scripts never look up a name they do not set. */
  private readonly unsearched: string[] = [];
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
    if (INHERITED.has(name) || /^LC_/.test(name) || this.dynamic.has(name)) return { value: '$' + name, unresolved: true };
    return { value: '' };
  };

  /** Resolved value, or undefined when unset or unresolved. */
  get(name: string): string | undefined {
    const v = this.vars.get(name);
    return v && !v.unresolved ? v.value : undefined;
  }

  /** Names some code assigns at run time (in functions, loops, `read`): unknown when not set at top level. */
  get dynamic(): ReadonlySet<string> {
    while (this.unsearched.length > 0) this.collectDynamicNames(this.unsearched.shift()!);
    return this.assignedAtRunTime;
  }

  /**
   * Record every name the text may assign at run time (over-inclusive on purpose: unknown beats wrong).
   * The text is searched when a lookup first needs it.
   */
  noteDynamicNames(text: string): void {
    this.unsearched.push(text);
  }

  private collectDynamicNames(text: string): void {
    const add = (n: string | undefined) => { if (n) this.assignedAtRunTime.add(n); };
    text = text.replace(/(^|\s)#.*$/gm, '$1'); // comments name variables without assigning them
    // exec loops rather than matchAll: no iterator objects (this runs once per script and defaults file).
    let m: RegExpExecArray | null;
    for (const re of SIMPLE_ASSIGNERS) {
      re.lastIndex = 0;
      while ((m = re.exec(text)) !== null) add(m[1]);
    }
    NAME_LISTS.lastIndex = 0;
    while ((m = NAME_LISTS.exec(text)) !== null) {
      for (const w of m[1]!.trim().split(/\s+/)) if (/^[A-Za-z_]/.test(w)) add(w);
    }
  }
}

// What assigns a variable at run time: `NAME=` and `NAME+=` after a separator, `${NAME:=...}`, `for NAME`...
const SIMPLE_ASSIGNERS = [/(?:^|[\s;&|(`])([A-Za-z_][A-Za-z0-9_]*)\+?=/gm, /\$\{([A-Za-z_][A-Za-z0-9_]*):?=/g, /\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s/g];
// ...and the names listed after read, local, declare, typeset and getopts OPTSTRING.
const NAME_LISTS = /\b(?:read|local|declare|typeset|getopts\s+\S+)((?:\s+-[A-Za-z]+)*(?:\s+[A-Za-z_][A-Za-z0-9_]*)+)/g;

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
  // Indexed loops here and below: this code mostly runs unoptimised (a few hundred scripts per process),
  // where for-of allocates an iterator result per element.
  const { commands, problems } = factCommands(text);
  for (let c = 0; c < commands.length; c++) {
    const cmd = commands[c]!;
    if (cmd.inFunction !== undefined || cmd.notAtStart) continue;
    const words = cmd.words;
    const origin: Origin = { file, line: cmd.line };
    const head = plainText(words[0]!.parts);
    if (head === 'export' || head === 'readonly') {
      for (let k = 1; k < words.length; k++) {
        const a = splitAssignment(words[k]!);
        if (a) assign(env, a.name, a.value, origin, true, cmd.conditional === true);
        else {
          const name = plainText(words[k]!.parts);
          const v = name !== undefined ? env.vars.get(name) : undefined;
          if (v) v.exported = true;
        }
      }
      continue;
    }
    if (head === 'set') {
      for (let k = 1; k < words.length; k++) {
        const w = plainText(words[k]!.parts) ?? '';
        if (/^[-+][A-Za-z]*a/.test(w) && !w.startsWith('--')) env.allexport = w[0] === '-';
        else if ((w === '-o' || w === '+o') && plainText(words[k + 1]?.parts ?? []) === 'allexport') env.allexport = w === '-o';
      }
      continue;
    }
    if (head === 'unset') {
      for (let k = 1; k < words.length; k++) {
        const name = plainText(words[k]!.parts);
        if (name !== undefined && !name.startsWith('-')) env.vars.delete(name);
      }
      continue;
    }
    if (head === ':') {
      for (let k = 1; k < words.length; k++) applyAssignDefaults(env, words[k]!.parts, origin);
      continue;
    }
    if ((head === '.' || head === 'source') && words[1]) {
      const e = expandWord(words[1].parts, env.lookup, false);
      opts.onSource?.({ path: e.fields.join(''), unresolved: e.unresolved, line: cmd.line });
      continue;
    }
    // `A=1 cmd` sets A for cmd only; a line of assignments alone sets shell variables. Most commands
    // start with a plain word, so stop at the first word that is not an assignment.
    const assigns: { name: string; value: WordPart[] }[] = [];
    for (let k = 0; k < words.length; k++) {
      const a = splitAssignment(words[k]!);
      if (!a) break;
      assigns.push(a);
    }
    if (assigns.length === words.length) {
      for (let k = 0; k < assigns.length; k++) assign(env, assigns[k]!.name, assigns[k]!.value, origin, false, cmd.conditional === true);
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
  for (let k = 1; k < w.parts.length; k++) value.push(w.parts[k]!);
  return { name: m[1]!, value };
}

/**
 * `conditional`: the assignment may not run (`[ "$x" ] && opt=...`, an `if`/`case` branch): the variable
 * is unknown unless both ways give the same value; its name stands in for it.
 */
function assign(env: ShellEnv, name: string, value: WordPart[], origin: Origin, exported: boolean, conditional = false): void {
  const e = expandWord(value, env.lookup, false);
  const prev = env.vars.get(name);
  const text = e.fields.join('');
  const unknown = e.unresolved || (conditional && (!prev || prev.unresolved || prev.value !== text));
  env.vars.set(name, { value: unknown && conditional ? '$' + name : text, origin, unresolved: unknown, exported: exported || env.allexport || (prev?.exported ?? false) });
}

/** `: ${NAME:=default}` assigns when NAME is unset (or empty for `:=`). */
function applyAssignDefaults(env: ShellEnv, parts: WordPart[], origin: Origin): void {
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p.kind !== 'param' || (p.op !== ':=' && p.op !== '=')) continue;
    const cur = env.vars.get(p.name);
    const unset = cur === undefined || (p.op === ':=' && cur.value === '' && !cur.unresolved);
    if (!unset) continue;
    const e = expandParamArg(p.arg ?? '', env.lookup);
    env.vars.set(p.name, { value: e.fields.join(' '), origin, unresolved: e.unresolved, exported: cur?.exported ?? false });
  }
}

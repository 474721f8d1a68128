/**
 * Runs the variable-setting part of a sourced file statically: top-level assignments, `export`,
 * `unset`, and `${x:=y}` side effects, in file order, over a shared store. OpenRC sources conf.d, then
 * rc.conf, then the script into one shell (openrc-run.sh, gendepends.sh), so applying the files in that
 * order to one store gives exactly the precedence OpenRC has: `foo=x` in the script replaces the conf.d
 * value, `foo=${foo:-x}` and `: ${foo:=x}` keep it.
 */
import type { Finding, Origin } from '../../src/model/service.js';
import type { Word, WordPart } from './shell-lexer.js';
import { plainWord } from './shell-lexer.js';
import type { ParsedScript, SimpleCommand } from './shell-structure.js';
import { expandFields, expandValue, type VarStore, type VarValue } from './expand.js';

const ASSIGN_RE = /^([A-Za-z_][A-Za-z0-9_]*)=/;

export interface Assignment {
  name: string;
  value: WordPart[];
  word: Word;
}

/** `NAME=value` as a word: the name must be unquoted literal text (POSIX 2.10.2 rule 7). */
export function asAssignment(word: Word): Assignment | undefined {
  const first = word.parts[0];
  if (!first || first.kind !== 'lit' || first.quoted) return undefined;
  const m = ASSIGN_RE.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const value: WordPart[] = rest === '' ? [] : [{ kind: 'lit', text: rest, quoted: false }];
  value.push(...word.parts.slice(1));
  return { name: m[1]!, value, word };
}

/** Assignments a command makes in the current shell (plain `a=b` lines and `export`/`readonly`/`local`). */
export function shellAssignments(cmd: SimpleCommand): { assignments: Assignment[]; exportNames: string[]; builtin?: string } {
  const words = cmd.words;
  const leading: Assignment[] = [];
  let k = 0;
  for (; k < words.length; k++) {
    const a = asAssignment(words[k]!);
    if (!a) break;
    leading.push(a);
  }
  if (k === words.length) return { assignments: leading, exportNames: [] };
  const name = plainWord(words[k]!);
  if (leading.length === 0 && (name === 'export' || name === 'readonly' || name === 'local' || name === 'typeset' || name === 'declare')) {
    const assignments: Assignment[] = [];
    const exportNames: string[] = [];
    for (const w of words.slice(k + 1)) {
      const a = asAssignment(w);
      if (a) assignments.push(a);
      else {
        const n = plainWord(w);
        if (n && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) exportNames.push(n);
      }
    }
    return { assignments, exportNames, builtin: name };
  }
  // `FOO=bar cmd`: the assignment is for that command's environment only.
  return { assignments: [], exportNames: [] };
}

/** What evaluating one file noticed besides the values it set. */
export interface EvalResult {
  findings: Finding[];
  /** Names assigned under a condition (their value depends on run-time tests). */
  conditional: Set<string>;
}

/** Applies one parsed file's top-level commands to the store. `file` is the path on disk. */
export function evaluateFile(parsed: ParsedScript, file: string, store: VarStore): EvalResult {
  const findings: Finding[] = [];
  const conditional = new Set<string>();
  for (const cmd of parsed.commands) {
    if (cmd.fn !== undefined || cmd.subshell) continue;
    const origin: Origin = { file, line: cmd.line };
    const { assignments, exportNames, builtin } = shellAssignments(cmd);
    if (builtin === 'local') continue;
    if (assignments.length > 0 || exportNames.length > 0) {
      for (const a of assignments) {
        const r = expandValue({ parts: a.value }, store, origin);
        const v: VarValue = { value: r.value, origin };
        if (r.unresolved.length > 0) v.unresolved = true;
        if (r.unset.length > 0) v.unset = [...new Set(r.unset)];
        if (builtin === 'export') v.exported = true;
        // Under a condition the value depends on a run-time test: unknown, unless both ways give the same.
        const prev = store.get(a.name);
        if (cmd.conditional && (!prev || prev.unresolved || prev.value !== v.value)) v.unresolved = true;
        store.set(a.name, v);
        if (cmd.conditional) conditional.add(a.name);
      }
      for (const n of exportNames) {
        const old = store.get(n);
        if (old && builtin === 'export') store.set(n, { ...old, exported: true });
      }
      continue;
    }
    const name = cmd.words[0] ? plainWord(cmd.words[0]) : undefined;
    if (name === 'unset') {
      for (const w of cmd.words.slice(1)) {
        const n = plainWord(w);
        if (n === '-f') break;
        if (n && n !== '-v') store.unset(n);
      }
      continue;
    }
    if (name === '.' || name === 'source') {
      findings.push({ code: 'openrc-sources-file', message: `sources ${cmd.words[1]?.raw ?? '(nothing)'}: that file is not read, its settings are unknown`, origin });
    }
    // Expansion side effects: `: ${foo:=default}` assigns in the current shell.
    const before = new Set(store.vars.keys());
    for (const w of cmd.words) if (w.parts.some((p) => p.kind === 'param' && (p.op === ':=' || p.op === '='))) expandFields(w, store, origin);
    if (cmd.conditional) {
      for (const n of store.vars.keys()) {
        if (before.has(n)) continue;
        conditional.add(n);
        store.set(n, { ...store.get(n)!, unresolved: true });
      }
    }
  }
  return { findings, conditional };
}

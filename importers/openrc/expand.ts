/**
 * Word expansion against a statically known set of variables, as `sh` would do it (POSIX 2.6): parameter
 * expansion with its operators, then field splitting of unquoted results. No globbing (a `*` stays a
 * `*`). What only a running shell knows (`$(...)`, `$1`, an `RC_*` value OpenRC sets at run time) is
 * kept as its source text and reported as unresolved, so nothing guessed passes for a fact.
 */
import type { Origin } from '../../src/model/service.js';
import { globRegex } from '../../src/util/glob.js';
import type { WordPart, Word, ParamOp } from './shell-lexer.js';

export interface VarValue {
  value: string;
  origin: Origin;
  /** The value holds text the reader could not resolve (kept as written). */
  unresolved?: boolean;
  exported?: boolean;
  /** Variables the value read while they were unset (the shell used an empty string). */
  unset?: string[];
}

/** Variables of one script evaluation, in assignment order. */
export class VarStore {
  readonly vars = new Map<string, VarValue>();

  constructor(
    /** Names whose value only exists at run time (e.g. `RC_RUNLEVEL`): unresolved when unset. */
    readonly runtimeOnly: (name: string) => boolean = () => false,
  ) {}

  get(name: string): VarValue | undefined {
    return this.vars.get(name);
  }

  set(name: string, v: VarValue): void {
    const old = this.vars.get(name);
    // Assignment order matters for the report; re-insert so the map stays in last-assignment order.
    this.vars.delete(name);
    this.vars.set(name, old?.exported ? { ...v, exported: true } : v);
  }

  unset(name: string): void {
    this.vars.delete(name);
  }
}

export interface Expansion {
  /** Fields after splitting (for a value: exactly one). */
  fields: string[];
  /** Source text of every part that could not be resolved. */
  unresolved: string[];
  /** Variables read while unset. */
  unset: string[];
}

interface Piece {
  text: string;
  /** Unquoted expansion results are split at blanks; quoted text and literals are not. */
  split: boolean;
}

/** Expands a word without field splitting (an assignment's value). `origin` is used by `${x:=y}`. */
export function expandValue(word: Pick<Word, 'parts'>, store: VarStore, origin: Origin): { value: string; unresolved: string[]; unset: string[] } {
  const ctx: Ctx = { store, origin, unresolved: [], unset: [] };
  const pieces = expandParts(word.parts, ctx, false);
  return { value: pieces.map((p) => p.text).join(''), unresolved: ctx.unresolved, unset: ctx.unset };
}

/** Expands a command word into fields, as the shell would before running the command. */
export function expandFields(word: Pick<Word, 'parts'>, store: VarStore, origin: Origin): Expansion {
  const ctx: Ctx = { store, origin, unresolved: [], unset: [] };
  const pieces = expandParts(word.parts, ctx, false);
  const hasQuoted = word.parts.some((p) => p.quoted);
  return { fields: splitPieces(pieces, hasQuoted), unresolved: ctx.unresolved, unset: ctx.unset };
}

interface Ctx {
  store: VarStore;
  origin: Origin;
  unresolved: string[];
  unset: string[];
}

/**
 * `splitLiterals`: the parts are the word of an unquoted `${x:-word}`, whose unquoted literal text is
 * part of an expansion result and so is field-split (POSIX 2.6.5), unlike literal text of the word itself.
 */
function expandParts(parts: readonly WordPart[], ctx: Ctx, forceQuoted: boolean, splitLiterals = false): Piece[] {
  const out: Piece[] = [];
  for (const p of parts) {
    const quoted = p.quoted || forceQuoted;
    if (p.kind === 'lit') { out.push({ text: p.text, split: splitLiterals && !quoted }); continue; }
    if (p.kind === 'opaque') {
      ctx.unresolved.push(p.raw);
      out.push({ text: p.raw, split: false });
      continue;
    }
    const r = expandParam(p, ctx, quoted);
    if (r === undefined) {
      ctx.unresolved.push(p.raw);
      out.push({ text: p.raw, split: false });
    } else {
      out.push(...r);
    }
  }
  return out;
}

/** One `${...}`; undefined when the result cannot be known statically. */
function expandParam(p: Extract<WordPart, { kind: 'param' }>, ctx: Ctx, quoted: boolean): Piece[] | undefined {
  const v = ctx.store.get(p.name);
  if (v?.unresolved) return undefined;
  if (!v && ctx.store.runtimeOnly(p.name)) return undefined;
  const isSet = v !== undefined;
  const value = v?.value ?? '';
  const arg = (): Piece[] => expandParts(p.arg ?? [], ctx, quoted, !quoted);
  const argText = (): string => arg().map((x) => x.text).join('');
  const result = (text: string): Piece[] => [{ text, split: !quoted }];
  const op = p.op;
  if (op === undefined) {
    if (!isSet) ctx.unset.push(p.name);
    return result(value);
  }
  if (op === 'len') return result(String([...value].length));
  const colon = op.startsWith(':');
  const useDefault = colon ? value === '' : !isSet;
  switch (op as ParamOp) {
    case ':-': case '-':
      return useDefault ? arg() : result(value);
    case ':=': case '=': {
      if (!useDefault) return result(value);
      const a = expandValue({ parts: p.arg ?? [] }, ctx.store, ctx.origin);
      ctx.unresolved.push(...a.unresolved);
      const assigned: VarValue = { value: a.value, origin: ctx.origin };
      if (a.unresolved.length > 0) assigned.unresolved = true;
      ctx.store.set(p.name, assigned);
      return result(a.value);
    }
    case ':+': case '+':
      return useDefault ? [] : arg();
    case ':?': case '?':
      // The shell would abort the script; statically the value is just unknown.
      return useDefault ? undefined : result(value);
    case '#': case '##': case '%': case '%%': {
      if (!isSet) ctx.unset.push(p.name);
      const pattern = argText();
      return result(removePattern(value, pattern, op as "#" | "##" | "%" | "%%"));
    }
  }
  return undefined;
}

/** `${x#pat}` and friends: remove the shortest/longest prefix/suffix matching a glob pattern. */
export function removePattern(value: string, pattern: string, op: '#' | '##' | '%' | '%%'): string {
  const re = globRegex(pattern);
  const n = value.length;
  if (op === '#' || op === '##') {
    const lengths = op === '#' ? range(0, n) : range(0, n).reverse();
    for (const k of lengths) if (re.test(value.slice(0, k))) return value.slice(k);
  } else {
    const starts = op === '%' ? range(0, n).reverse() : range(0, n);
    for (const k of starts) if (re.test(value.slice(k))) return value.slice(0, k);
  }
  return value;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k <= to; k++) out.push(k);
  return out;
}

/** Field splitting with the default IFS (space, tab, newline); `keepEmpty` for a word with quotes. */
function splitPieces(pieces: Piece[], keepEmpty: boolean): string[] {
  const fields: string[] = [];
  let cur = '';
  let have = false;
  for (const p of pieces) {
    // Quoted text makes a field even when empty (`""$x`, `"$empty"`).
    if (!p.split) { cur += p.text; have = true; continue; }
    const chunks = p.text.split(/[ \t\n]+/);
    chunks.forEach((chunk, k) => {
      if (k > 0 && (have || cur !== '')) { fields.push(cur); cur = ''; have = false; }
      cur += chunk;
      if (chunk !== '') have = true;
    });
  }
  if (have || cur !== '' || (keepEmpty && fields.length === 0)) fields.push(cur);
  return fields;
}

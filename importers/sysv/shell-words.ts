/**
 * A small POSIX-sh tokenizer and word expander for reading init scripts statically.
 *
 * Why not `shell-quote`: it expands `${VAR:-x}` wrongly (it knows no operators), and it replaces an unset
 * variable by an empty string, so the importer could not tell "empty" from "unknown". Here every
 * expansion the importer cannot resolve (unknown variable, `$(...)`, `$1`, `${x%y}`) is kept as its
 * source text and flagged, so a later stage never mistakes a guess for a fact.
 */

/** One piece of a word; `quoted` pieces are not field-split. */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; op?: ParamOp; arg?: string; quoted: boolean; raw: string }
  | { kind: 'opaque'; raw: string; quoted: boolean };

/** `${NAME:-w}` and friends; the others (`%`, `#`, `/`) are opaque. */
export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+';

export type Token =
  | { type: 'word'; parts: WordPart[]; raw: string }
  /** Control operators (`;`, `&&`, `|`, newline as `;`, `(`, `)`) and redirections (`redir`). */
  | { type: 'op'; op: string };

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*/;
const PARAM_OPS: ParamOp[] = [':-', ':=', ':+', '-', '=', '+'];

/** Tokenize one logical line (it may contain newlines inside quotes). Never throws. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\n') { tokens.push({ type: 'op', op: ';' }); i++; continue; }
    if (c === '#') { while (i < n && src[i] !== '\n') i++; continue; }
    if (c === '\\' && src[i + 1] === '\n') { i += 2; continue; }
    const op = readOperator(src, i);
    if (op) { tokens.push({ type: 'op', op: op.op }); i = op.end; continue; }
    const w = readWord(src, i);
    // `2>` and `2>&1`: a word of digits glued to a redirection is a file descriptor, not an argument.
    if (/^[0-9]+$/.test(w.raw) && (src[w.end] === '>' || src[w.end] === '<')) {
      const r = readOperator(src, w.end)!;
      tokens.push({ type: 'op', op: r.op });
      i = r.end;
      continue;
    }
    tokens.push({ type: 'word', parts: w.parts, raw: w.raw });
    i = w.end;
  }
  return tokens;
}

function readOperator(src: string, i: number): { op: string; end: number } | undefined {
  // Character tests instead of slices: this runs at every token start of every script.
  const c = src[i];
  const d = src[i + 1];
  if (c === '<' && d === '<' && src[i + 2] === '-') return { op: 'redir', end: i + 3 };
  if ((c === '&' && d === '&') || (c === '|' && d === '|') || (c === ';' && d === ';')) return { op: c + d, end: i + 2 };
  if ((c === '>' && (d === '>' || d === '&' || d === '|')) || (c === '<' && (d === '&' || d === '<' || d === '>')) || (c === '&' && d === '>')) {
    return { op: 'redir', end: i + 2 };
  }
  if (c === '>' || c === '<') return { op: 'redir', end: i + 1 };
  if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') return { op: c, end: i + 1 };
  return undefined;
}

const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
// Characters that start something other than a plain literal inside a word.
const WORD_SPECIAL = new Set(['\\', "'", '"', '$', '`']);
const DQ_SPECIAL = new Set(['"', '\\', '$', '`']);

function readWord(src: string, start: number): { parts: WordPart[]; raw: string; end: number } {
  const parts: WordPart[] = [];
  let i = start;
  const lit = (text: string, quoted: boolean) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
    else parts.push({ kind: 'lit', text, quoted });
  };
  while (i < src.length && !WORD_END.has(src[i]!)) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === '\n') { i += 2; continue; }
      if (i + 1 < src.length) lit(src[i + 1]!, true);
      i += 2;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      const end = close === -1 ? src.length : close;
      parts.push({ kind: 'lit', text: src.slice(i + 1, end), quoted: true }); // `''` stays an empty word
      i = end + 1;
    } else if (c === '"') {
      i = readDoubleQuoted(src, i + 1, parts, lit);
    } else if (c === '$' || c === '`') {
      const d = readDollar(src, i, false);
      if (d.part) parts.push(d.part); else lit(c, false);
      i = d.end;
    } else {
      // A run of plain characters is one literal (the same parts as adding them one at a time).
      let j = i + 1;
      while (j < src.length && !WORD_END.has(src[j]!) && !WORD_SPECIAL.has(src[j]!)) j++;
      lit(src.slice(i, j), false);
      i = j;
    }
  }
  return { parts, raw: src.slice(start, i), end: i };
}

function readDoubleQuoted(src: string, i: number, parts: WordPart[], lit: (t: string, q: boolean) => void): number {
  parts.push({ kind: 'lit', text: '', quoted: true }); // `""` is an empty word, not nothing
  while (i < src.length && src[i] !== '"') {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      const nx = src[i + 1]!;
      // Inside double quotes a backslash only escapes $ ` " \ and newline (POSIX 2.2.3).
      if (nx === '\n') { i += 2; continue; }
      if ('$`"\\'.includes(nx)) lit(nx, true); else lit('\\' + nx, true);
      i += 2;
    } else if (c === '$' || c === '`') {
      const d = readDollar(src, i, true);
      if (d.part) parts.push(d.part); else lit(c, true);
      i = d.end;
    } else {
      let j = i + 1;
      while (j < src.length && !DQ_SPECIAL.has(src[j]!)) j++;
      lit(src.slice(i, j), true);
      i = j;
    }
  }
  return i + 1;
}

/** `$NAME`, `${...}`, `$(...)`, `$((...))`, backquotes, special parameters. */
function readDollar(src: string, i: number, quoted: boolean): { part?: WordPart; end: number } {
  if (src[i] === '`') {
    let j = i + 1;
    while (j < src.length && src[j] !== '`') j += src[j] === '\\' ? 2 : 1;
    return { part: { kind: 'opaque', raw: src.slice(i, j + 1), quoted }, end: Math.min(j + 1, src.length) };
  }
  const nx = src[i + 1];
  if (nx === '(') {
    const end = matchClose(src, i + 1, '(', ')');
    return { part: { kind: 'opaque', raw: src.slice(i, end), quoted }, end };
  }
  if (nx === '{') {
    const end = matchClose(src, i + 1, '{', '}');
    const raw = src.slice(i, end);
    const inner = src.slice(i + 2, end - 1);
    const m = NAME_RE.exec(inner);
    if (!m) return { part: { kind: 'opaque', raw, quoted }, end };
    const rest = inner.slice(m[0].length);
    if (rest === '') return { part: { kind: 'param', name: m[0], quoted, raw }, end };
    const op = PARAM_OPS.find((o) => rest.startsWith(o));
    if (!op) return { part: { kind: 'opaque', raw, quoted }, end };
    return { part: { kind: 'param', name: m[0], op, arg: rest.slice(op.length), quoted, raw }, end };
  }
  const m = NAME_RE.exec(src.slice(i + 1));
  if (m) return { part: { kind: 'param', name: m[0], quoted, raw: '$' + m[0] }, end: i + 1 + m[0].length };
  if (nx !== undefined && /[0-9@*#?$!-]/.test(nx)) {
    return { part: { kind: 'param', name: nx, quoted, raw: '$' + nx }, end: i + 2 };
  }
  return { end: i + 1 }; // a lone `$` is a literal dollar
}

/** Index just past the bracket matching the one at `open`, skipping quoted text. */
function matchClose(src: string, open: number, o: string, c: string): number {
  let depth = 0;
  let i = open;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\') { i += 2; continue; }
    if (ch === "'" && o === '(') {
      const close = src.indexOf("'", i + 1);
      i = close === -1 ? src.length : close + 1;
      continue;
    }
    if (ch === o) depth++;
    else if (ch === c) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return src.length;
}

/**
 * What an expansion knows about a variable: nothing (unset), a value, or a value that itself holds an
 * unresolved part (then whatever uses it is unresolved too).
 */
export type Lookup = (name: string) => { value: string; unresolved?: boolean } | undefined;

export interface Expanded {
  fields: string[];
  /** Some part could not be known statically; its source text stands in its place. */
  unresolved: boolean;
  /** Names of the unknown variables / constructs, for messages. */
  unknown: string[];
}

/**
 * Expand one word as the shell would for a command argument (`split` = true: unquoted expansions are
 * split on blanks) or for an assignment value (`split` = false: one field).
 */
export function expandWord(parts: WordPart[], lookup: Lookup, split: boolean): Expanded {
  const fields: string[] = [];
  let cur = '';
  let has = false; // current field exists (even if empty, e.g. from `""`)
  const out: Expanded = { fields, unresolved: false, unknown: [] };
  const addText = (text: string, splittable: boolean) => {
    if (!split || !splittable) { cur += text; has = has || text !== '' || !splittable; return; }
    const pieces = text.split(/[ \t\n]+/);
    pieces.forEach((p, idx) => {
      if (idx > 0 && (has || cur !== '')) { fields.push(cur); cur = ''; has = false; }
      if (p !== '') { cur += p; has = true; }
    });
  };
  for (const p of parts) {
    if (p.kind === 'lit') { addText(p.text, false); if (p.quoted) has = true; continue; }
    if (p.kind === 'opaque') { flag(out, p.raw); addText(p.raw, false); continue; }
    const before = out.unresolved;
    const value = expandParam(p, lookup, out);
    const opaque = out.unresolved && !before && value === p.raw;
    if (p.quoted || opaque) { cur += value; has = true; } else addText(value, true);
  }
  if (has || cur !== '') fields.push(cur);
  return out;
}

function flag(out: Expanded, what: string): void {
  out.unresolved = true;
  if (!out.unknown.includes(what)) out.unknown.push(what);
}

function expandParam(p: Extract<WordPart, { kind: 'param' }>, lookup: Lookup, out: Expanded): string {
  const found = lookup(p.name);
  // An unresolved value is never field-split or partly used: its `$NAME` stands in, whole.
  if (found?.unresolved) { flag(out, p.raw); return p.raw; }
  const v = found?.value;
  const argValue = (): string => {
    const e = expandWord(tokenizeArg(p.arg ?? ''), lookup, false);
    if (e.unresolved) { out.unresolved = true; for (const u of e.unknown) if (!out.unknown.includes(u)) out.unknown.push(u); }
    return e.fields.join(' ');
  };
  switch (p.op) {
    case undefined:
      if (v === undefined) { flag(out, p.raw); return p.raw; }
      return v;
    case ':-': case ':=':
      return v === undefined || v === '' ? argValue() : v;
    case '-': case '=':
      return v === undefined ? argValue() : v;
    case ':+':
      return v === undefined || v === '' ? '' : argValue();
    case '+':
      return v === undefined ? '' : argValue();
  }
}

/** Expand the `word` of `${X:-word}` (used for `: ${X:=word}`). */
export function expandParamArg(arg: string, lookup: Lookup): Expanded {
  return expandWord(tokenizeArg(arg), lookup, false);
}

/** The word inside `${X:-word}` is expanded like a double-quoted word's content when simple. */
function tokenizeArg(arg: string): WordPart[] {
  const t = tokenize(arg).filter((x): x is Extract<Token, { type: 'word' }> => x.type === 'word');
  const parts: WordPart[] = [];
  t.forEach((w, idx) => {
    if (idx > 0) parts.push({ kind: 'lit', text: ' ', quoted: true });
    parts.push(...w.parts);
  });
  return parts;
}

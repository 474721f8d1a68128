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
const NAME_AT = /[A-Za-z_][A-Za-z0-9_]*/y;
const PARAM_OPS: ParamOp[] = [':-', ':=', ':+', '-', '=', '+'];

/** Tokenize one logical line (it may contain newlines inside quotes). Never throws. */
export function tokenize(src: string): Token[] {
  const shape = lexLine(src);
  const tokens: Token[] = [];
  for (let k = 0; k < shape.length; k += 3) {
    const op = shape[k]!;
    tokens.push(op === WORD ? wordToken(src, shape[k + 1]!, shape[k + 2]!) : { type: 'op', op: OPERATORS[op]!.op });
  }
  return tokens;
}

/** Kind of a lexed token: a word, or an index into OPERATORS. */
export const WORD = 0;

/** Control operators and redirections, with their length; index 0 stands for "a word". */
export const OPERATORS: readonly { op: string; len: number }[] = [
  { op: '', len: 0 },
  { op: 'redir', len: 3 }, // <<-
  { op: '&&', len: 2 }, { op: '||', len: 2 }, { op: ';;', len: 2 },
  { op: 'redir', len: 2 }, // >> >& >| <& << <> &>
  { op: 'redir', len: 1 }, // > <
  { op: ';', len: 1 }, { op: '&', len: 1 }, { op: '|', len: 1 }, { op: '(', len: 1 }, { op: ')', len: 1 },
];
const NEWLINE_OP = 7; // a newline inside a logical line separates commands like `;`

/**
 * Token boundaries of one logical line, without building any word: a flat list of
 * (kind, start, end) triples, kind = WORD or an OPERATORS index. Most words of a script never matter
 * to the importer, so callers build only the words they need (`wordToken`).
 */
export function lexLine(src: string): number[] {
  const shape: number[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\n') { shape.push(NEWLINE_OP, i, i + 1); i++; continue; }
    if (c === '#') { const nl = src.indexOf('\n', i); i = nl === -1 ? n : nl; continue; }
    if (c === '\\' && src[i + 1] === '\n') { i += 2; continue; }
    const op = operatorAt(src, i);
    if (op !== 0) { shape.push(op, i, i + OPERATORS[op]!.len); i += OPERATORS[op]!.len; continue; }
    const end = readWord(src, i, undefined);
    // `2>` and `2>&1`: a word of digits glued to a redirection is a file descriptor, not an argument.
    if ((src[end] === '>' || src[end] === '<') && allDigits(src, i, end)) {
      const r = operatorAt(src, end);
      shape.push(r, end, end + OPERATORS[r]!.len);
      i = end + OPERATORS[r]!.len;
      continue;
    }
    shape.push(WORD, i, end);
    i = end;
  }
  return shape;
}

/** The word lexed at [start, end) of `src`, with its parts. */
export function wordToken(src: string, start: number, end: number): Extract<Token, { type: 'word' }> {
  const parts: WordPart[] = [];
  readWord(src, start, parts);
  return { type: 'word', parts, raw: src.slice(start, end) };
}

function allDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return to > from;
}

/** OPERATORS index of the operator starting at `i`, 0 when none. */
function operatorAt(src: string, i: number): number {
  // Character tests instead of slices: this runs at every token start of every script.
  const c = src[i];
  const d = src[i + 1];
  if (c === '<' && d === '<' && src[i + 2] === '-') return 1;
  if (c === '&' && d === '&') return 2;
  if (c === '|' && d === '|') return 3;
  if (c === ';' && d === ';') return 4;
  if ((c === '>' && (d === '>' || d === '&' || d === '|')) || (c === '<' && (d === '&' || d === '<' || d === '>')) || (c === '&' && d === '>')) return 5;
  if (c === '>' || c === '<') return 6;
  switch (c) {
    case ';': return 7;
    case '&': return 8;
    case '|': return 9;
    case '(': return 10;
    case ')': return 11;
  }
  return 0;
}

const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
// Runs of characters that are plain literal text (not a word end, quote, escape or expansion), matched
// natively instead of one character at a time.
const PLAIN_RUN = /[^ \t\n;&|()<>\\'"$`]+/y;
const DQ_PLAIN_RUN = /[^"\\$`]+/y;

/** Index just past the run of plain characters starting at `from` (`from` itself when none). */
function runEnd(re: RegExp, src: string, from: number): number {
  re.lastIndex = from;
  return re.test(src) ? re.lastIndex : from;
}

/** Appends literal text, merged into the previous literal of the same quoting. */
function pushLit(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
  else parts.push({ kind: 'lit', text, quoted });
}

/**
 * Reads the word starting at `start`; returns the index just past it. With `parts`, its pieces are
 * appended there; without, the word is only skipped (the same walk, so the same end).
 */
function readWord(src: string, start: number, parts: WordPart[] | undefined): number {
  let i = start;
  while (i < src.length && !WORD_END.has(src[i]!)) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === '\n') { i += 2; continue; }
      if (parts && i + 1 < src.length) pushLit(parts, src[i + 1]!, true);
      i += 2;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      const end = close === -1 ? src.length : close;
      if (parts) parts.push({ kind: 'lit', text: src.slice(i + 1, end), quoted: true }); // `''` stays an empty word
      i = end + 1;
    } else if (c === '"') {
      i = readDoubleQuoted(src, i + 1, parts);
    } else if (c === '$' || c === '`') {
      i = readDollar(src, i, false, parts);
    } else {
      // A run of plain characters is one literal (the same parts as adding them one at a time).
      const j = runEnd(PLAIN_RUN, src, i + 1);
      if (parts) pushLit(parts, src.slice(i, j), false);
      i = j;
    }
  }
  return i;
}

function readDoubleQuoted(src: string, i: number, parts: WordPart[] | undefined): number {
  if (parts) parts.push({ kind: 'lit', text: '', quoted: true }); // `""` is an empty word, not nothing
  while (i < src.length && src[i] !== '"') {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      const nx = src[i + 1]!;
      // Inside double quotes a backslash only escapes $ ` " \ and newline (POSIX 2.2.3).
      if (nx === '\n') { i += 2; continue; }
      if (parts) pushLit(parts, nx === '$' || nx === '`' || nx === '"' || nx === '\\' ? nx : '\\' + nx, true);
      i += 2;
    } else if (c === '$' || c === '`') {
      i = readDollar(src, i, true, parts);
    } else {
      const j = runEnd(DQ_PLAIN_RUN, src, i + 1);
      if (parts) pushLit(parts, src.slice(i, j), true);
      i = j;
    }
  }
  return i + 1;
}

/**
 * `$NAME`, `${...}`, `$(...)`, `$((...))`, backquotes, special parameters at `i`: appends the part (a
 * lone `$` is a literal dollar) and returns the index just past it.
 */
function readDollar(src: string, i: number, quoted: boolean, parts: WordPart[] | undefined): number {
  if (src[i] === '`') {
    let j = i + 1;
    while (j < src.length && src[j] !== '`') j += src[j] === '\\' ? 2 : 1;
    if (parts) parts.push({ kind: 'opaque', raw: src.slice(i, j + 1), quoted });
    return Math.min(j + 1, src.length);
  }
  const nx = src[i + 1];
  if (nx === '(') {
    const end = matchClose(src, i + 1, '(', ')');
    if (parts) parts.push({ kind: 'opaque', raw: src.slice(i, end), quoted });
    return end;
  }
  if (nx === '{') {
    const end = matchClose(src, i + 1, '{', '}');
    if (parts) parts.push(braceParam(src.slice(i, end), quoted));
    return end;
  }
  NAME_AT.lastIndex = i + 1;
  if (NAME_AT.test(src)) {
    const end = NAME_AT.lastIndex;
    if (parts) {
      const name = src.slice(i + 1, end);
      parts.push({ kind: 'param', name, quoted, raw: '$' + name });
    }
    return end;
  }
  if (nx !== undefined && /[0-9@*#?$!-]/.test(nx)) {
    if (parts) parts.push({ kind: 'param', name: nx, quoted, raw: '$' + nx });
    return i + 2;
  }
  if (parts) pushLit(parts, '$', quoted); // a lone `$` is a literal dollar
  return i + 1;
}

/** `${NAME}`, `${NAME:-word}` and friends; anything else inside braces is opaque. */
function braceParam(raw: string, quoted: boolean): WordPart {
  const inner = raw.slice(2, -1); // an unclosed `${` loses its last character here too
  const m = NAME_RE.exec(inner);
  if (!m) return { kind: 'opaque', raw, quoted };
  const rest = inner.slice(m[0].length);
  if (rest === '') return { kind: 'param', name: m[0], quoted, raw };
  const op = PARAM_OPS.find((o) => rest.startsWith(o));
  if (!op) return { kind: 'opaque', raw, quoted };
  return { kind: 'param', name: m[0], op, arg: rest.slice(op.length), quoted, raw };
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
    for (let idx = 0; idx < pieces.length; idx++) {
      const p = pieces[idx]!;
      if (idx > 0 && (has || cur !== '')) { fields.push(cur); cur = ''; has = false; }
      if (p !== '') { cur += p; has = true; }
    }
  };
  // Indexed loop: expandWord runs for every word of every fact command, mostly unoptimised.
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
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

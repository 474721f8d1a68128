/**
 * A POSIX-sh tokenizer for reading OpenRC scripts and conf.d files statically (never run).
 *
 * Words keep their structure (literal / quoted / parameter expansion / opaque), so the expander can tell
 * what the shell would split, what it would keep together, and what it cannot know statically
 * (`$(...)`, backquotes, `$1`). Every token carries its 1-based line. Problems (an unterminated quote or
 * here-document) are returned, never thrown; an unterminated quote is closed at the end of its own line
 * so that the rest of the file is still read.
 */

/** `${NAME op arg}` operators the expander implements (POSIX 2.6.2). */
export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%';

export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  /** `$NAME`, `${NAME}`, `${NAME op arg}`, `${#NAME}` (op `len`). `arg` is itself a word. */
  | { kind: 'param'; name: string; op?: ParamOp | 'len'; arg?: WordPart[]; quoted: boolean; raw: string }
  /** Something only a running shell knows: `$(...)`, `` `...` ``, `$((...))`, `$1`, `$@`, `${x/y/z}`. */
  | { kind: 'opaque'; raw: string; quoted: boolean };

export interface Word {
  parts: WordPart[];
  /** The word as written (quotes included). */
  raw: string;
  line: number;
  /** 0-based column where the word starts. */
  col: number;
}

export type Token =
  | { type: 'word'; word: Word; line: number }
  /** `;` `&` `|` `&&` `||` `;;` `(` `)`, newline as `\n`, and `redir` for any redirection operator. */
  | { type: 'op'; op: string; line: number };

export interface LexProblem {
  line: number;
  code: string;
  message: string;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*/;
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
// Runs of characters with no meaning of their own in a word, in `${x:-...}`'s argument, and inside
// double quotes (newlines excluded: they count lines), matched natively instead of one at a time.
const PLAIN_RUN = /[^ \t\n;&|()<>\\'"$`]+/y;
const PARAM_PLAIN_RUN = /[^}\n\\'"$`]+/y;
const DQ_PLAIN_RUN = /[^"\n\\$`]+/y;
const BLANKS = /[ \t\r]+/y;
const PARAM_OPS: ParamOp[] = [':-', ':=', ':+', ':?', '##', '%%', '-', '=', '+', '?', '#', '%'];

class Lexer {
  i = 0;
  line = 1;
  tokens: Token[] = [];
  problems: LexProblem[] = [];
  /** Here-document delimiters waiting for the end of the current line. */
  pendingHeredocs: { delim: string; stripTabs: boolean; line: number }[] = [];

  constructor(readonly src: string) {}

  run(): void {
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        BLANKS.lastIndex = this.i;
        BLANKS.test(s);
        this.i = BLANKS.lastIndex;
        continue;
      }
      if (c === '\\' && s[this.i + 1] === '\n') { this.i += 2; this.line++; continue; }
      if (c === '#') {
        // A comment runs to the newline, found natively (comments are a large part of most scripts).
        const nl = s.indexOf('\n', this.i);
        this.i = nl === -1 ? s.length : nl;
        continue;
      }
      if (c === '\n') {
        this.tokens.push({ type: 'op', op: '\n', line: this.line });
        this.i++;
        this.line++;
        if (this.pendingHeredocs.length > 0) this.skipHeredocBodies();
        continue;
      }
      if (this.readOperator()) continue;
      const startLine = this.line;
      const start = this.i;
      const parts = this.readWordParts(false);
      const raw = s.slice(start, this.i);
      // `2>file`: digits glued to a redirection are a file descriptor, not a word.
      if (/^[0-9]+$/.test(raw) && (s[this.i] === '>' || s[this.i] === '<')) continue;
      const col = start - (s.lastIndexOf('\n', start - 1) + 1);
      this.tokens.push({ type: 'word', word: { parts, raw, line: startLine, col }, line: startLine });
    }
    // `<<END` on the last line, with no newline after it: the body is missing altogether.
    for (const hd of this.pendingHeredocs) {
      this.problems.push({ line: hd.line, code: 'openrc-unterminated-heredoc', message: `here-document ${hd.delim} opened here is never closed` });
    }
  }

  readOperator(): boolean {
    // Character tests, not slices: this runs at every token start.
    const s = this.src;
    const line = this.line;
    const c = s[this.i];
    const d = s[this.i + 1];
    if (c === '<' && d === '<') {
      const e = s[this.i + 2];
      if (e === '<') { this.i += 3; this.tokens.push({ type: 'op', op: 'redir', line }); return true; }
      this.i += e === '-' ? 3 : 2;
      this.tokens.push({ type: 'op', op: 'redir', line });
      this.noteHeredoc(e === '-', line);
      return true;
    }
    if ((c === '&' && d === '&') || (c === '|' && d === '|') || (c === ';' && d === ';')) {
      this.i += 2;
      this.tokens.push({ type: 'op', op: c + d, line });
      return true;
    }
    if ((c === '>' && (d === '>' || d === '&' || d === '|')) || (c === '<' && (d === '&' || d === '>')) || (c === '&' && d === '>')) {
      this.i += 2;
      this.tokens.push({ type: 'op', op: 'redir', line });
      return true;
    }
    if (c === '>' || c === '<') { this.i++; this.tokens.push({ type: 'op', op: 'redir', line }); return true; }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') { this.i++; this.tokens.push({ type: 'op', op: c, line }); return true; }
    return false;
  }

  /** Peek the delimiter after `<<` without consuming it (it is lexed as the redirection's target word). */
  noteHeredoc(stripTabs: boolean, line: number): void {
    const rest = this.src.slice(this.i);
    const m = /^[ \t]*(['"]?)([^\s'";&|<>()]+)\1/.exec(rest) ?? /^[ \t]*\\?([^\s;&|<>()]+)/.exec(rest);
    if (!m) return;
    const delim = (m[2] ?? m[1] ?? '').replace(/['"\\]/g, '');
    if (delim) this.pendingHeredocs.push({ delim, stripTabs, line });
  }

  /** Here-document bodies are data, not commands: skip their lines. */
  skipHeredocBodies(): void {
    const s = this.src;
    for (const hd of this.pendingHeredocs) {
      let closed = false;
      while (this.i < s.length) {
        const nl = s.indexOf('\n', this.i);
        const end = nl === -1 ? s.length : nl;
        let text = s.slice(this.i, end).replace(/\r$/, '');
        if (hd.stripTabs) text = text.replace(/^\t+/, '');
        this.i = nl === -1 ? s.length : nl + 1;
        this.line++;
        if (text === hd.delim) { closed = true; break; }
      }
      if (!closed) {
        this.problems.push({ line: hd.line, code: 'openrc-unterminated-heredoc', message: `here-document ${hd.delim} opened here is never closed` });
      }
    }
    this.pendingHeredocs = [];
  }

  /**
   * Reads one word's parts. `inParam` reads the argument of `${x:-...}`: blanks are literal there and
   * the word ends at the closing brace.
   */
  readWordParts(inParam: boolean, outerQuoted = false): WordPart[] {
    const s = this.src;
    const parts: WordPart[] = [];
    const lit = (text: string, quoted: boolean) => {
      const last = parts[parts.length - 1];
      if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
      else parts.push({ kind: 'lit', text, quoted });
    };
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (inParam ? c === '}' : WORD_END.has(c)) break;
      if (c === '\n') this.line++;
      if (c === '\\') {
        if (s[this.i + 1] === '\n') { this.i += 2; this.line++; continue; }
        if (this.i + 1 < s.length) lit(s[this.i + 1]!, true);
        this.i += 2;
        continue;
      }
      if (c === "'") {
        if (outerQuoted) { lit(c, true); this.i++; continue; }
        const openLine = this.line;
        const close = s.indexOf("'", this.i + 1);
        const end = close === -1 ? this.unterminated(openLine, 'single') : close;
        const text = s.slice(this.i + 1, end);
        this.line += countNewlines(text);
        lit(text, true);
        this.i = close === -1 ? end : end + 1;
        continue;
      }
      if (c === '"') {
        this.i++;
        this.readDoubleQuoted(parts, lit);
        continue;
      }
      if (c === '$') { parts.push(this.readDollar(outerQuoted)); continue; }
      if (c === '`') { parts.push({ kind: 'opaque', raw: this.readBackquote(), quoted: outerQuoted }); continue; }
      // A run of ordinary characters is one literal (the same part as adding them one at a time).
      const run = inParam ? PARAM_PLAIN_RUN : PLAIN_RUN;
      run.lastIndex = this.i + 1;
      const end = run.test(s) ? run.lastIndex : this.i + 1;
      lit(s.slice(this.i, end), outerQuoted);
      this.i = end;
    }
    return parts;
  }

  /** `closing`: this pass ends at a forced close (after an unterminated quote), so never retry. */
  readDoubleQuoted(parts: WordPart[], lit: (t: string, q: boolean) => void, limit = this.src.length, closing = false): void {
    const s = this.src;
    const openLine = this.line;
    const saved = { i: this.i, count: parts.length, last: lastLitText(parts) };
    while (this.i < limit) {
      const c = s[this.i]!;
      // An empty quoted string still makes a field: leave a quoted (possibly empty) literal behind.
      if (c === '"') { this.i++; lit('', true); return; }
      if (c === '\n') this.line++;
      if (c === '\\' && '$`"\\\n'.includes(s[this.i + 1] ?? '')) {
        if (s[this.i + 1] === '\n') this.line++;
        else lit(s[this.i + 1]!, true);
        this.i += 2;
        continue;
      }
      if (c === '$') { parts.push(this.readDollar(true)); continue; }
      if (c === '`') { parts.push({ kind: 'opaque', raw: this.readBackquote(), quoted: true }); continue; }
      DQ_PLAIN_RUN.lastIndex = this.i + 1;
      const end = Math.min(DQ_PLAIN_RUN.test(s) ? DQ_PLAIN_RUN.lastIndex : this.i + 1, limit);
      lit(s.slice(this.i, end), true);
      this.i = end;
    }
    if (closing || limit < s.length) { lit('', true); return; }
    // End of file inside the quote: undo, close it at the end of the line it was opened on, go on from there.
    parts.length = saved.count;
    const last = parts[parts.length - 1];
    if (last && last.kind === 'lit' && saved.last !== undefined) last.text = saved.last;
    this.i = saved.i;
    const end = this.unterminated(openLine, 'double');
    this.readDoubleQuoted(parts, lit, end, true);
  }

  /** Records an unterminated quote; returns where to close it (end of the opening line). */
  unterminated(openLine: number, kind: 'single' | 'double'): number {
    this.problems.push({ line: openLine, code: 'openrc-unterminated-quote', message: `unterminated ${kind} quote opened here` });
    this.line = openLine;
    const nl = this.src.indexOf('\n', this.i);
    return nl === -1 ? this.src.length : nl;
  }

  readDollar(quoted: boolean): WordPart {
    const s = this.src;
    const start = this.i;
    const next = s[this.i + 1];
    if (next === '(') {
      this.i = matchParen(s, this.i + 1);
      const raw = s.slice(start, this.i);
      this.line += countNewlines(raw);
      return { kind: 'opaque', raw, quoted };
    }
    if (next === '{') return this.readBraced(quoted);
    const rest = s.slice(this.i + 1);
    const m = NAME_RE.exec(rest);
    if (m) {
      this.i += 1 + m[0].length;
      return { kind: 'param', name: m[0], quoted, raw: s.slice(start, this.i) };
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.i += 2;
      return { kind: 'opaque', raw: s.slice(start, this.i), quoted };
    }
    // A lone `$` is a literal dollar sign.
    this.i++;
    return { kind: 'lit', text: '$', quoted };
  }

  readBraced(quoted: boolean): WordPart {
    const s = this.src;
    const start = this.i;
    this.i += 2;
    if (s[this.i] === '#' && NAME_RE.test(s.slice(this.i + 1)) && s[this.i + 1 + NAME_RE.exec(s.slice(this.i + 1))![0].length] === '}') {
      const name = NAME_RE.exec(s.slice(this.i + 1))![0];
      this.i += 1 + name.length + 1;
      return { kind: 'param', name, op: 'len', quoted, raw: s.slice(start, this.i) };
    }
    const m = NAME_RE.exec(s.slice(this.i));
    if (!m) return this.opaqueBraced(start, quoted);
    const name = m[0];
    this.i += name.length;
    if (s[this.i] === '}') {
      this.i++;
      return { kind: 'param', name, quoted, raw: s.slice(start, this.i) };
    }
    const op = PARAM_OPS.find((o) => s.startsWith(o, this.i));
    if (!op) return this.opaqueBraced(start, quoted);
    this.i += op.length;
    // Inside double quotes the argument stays quoted; `'` is literal there (POSIX 2.6.2).
    const arg = this.readWordParts(true, quoted);
    if (s[this.i] !== '}') {
      this.problems.push({ line: this.line, code: 'openrc-unterminated-expansion', message: `\${${name}${op}... has no closing brace` });
      return { kind: 'opaque', raw: s.slice(start, this.i), quoted };
    }
    this.i++;
    return { kind: 'param', name, op, arg, quoted, raw: s.slice(start, this.i) };
  }

  opaqueBraced(start: number, quoted: boolean): WordPart {
    const s = this.src;
    let depth = 0;
    let j = start + 1;
    for (; j < s.length; j++) {
      if (s[j] === '\\') { j++; continue; }
      if (s[j] === '{') depth++;
      else if (s[j] === '}' && --depth === 0) break;
    }
    this.i = Math.min(j + 1, s.length);
    const raw = s.slice(start, this.i);
    this.line += countNewlines(raw);
    return { kind: 'opaque', raw, quoted };
  }

  readBackquote(): string {
    const s = this.src;
    const start = this.i;
    let j = this.i + 1;
    while (j < s.length && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
    this.i = Math.min(j + 1, s.length);
    const raw = s.slice(start, this.i);
    this.line += countNewlines(raw);
    return raw;
  }
}

/** Index just past the `)` matching the `(` at `open`, honouring quotes; end of text if none. */
function matchParen(s: string, open: number): number {
  let depth = 0;
  let j = open;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\') { j += 2; continue; }
    if (c === "'") { const k = s.indexOf("'", j + 1); j = k === -1 ? s.length : k + 1; continue; }
    if (c === '"') {
      j++;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      j++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
    j++;
  }
  return s.length;
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

function lastLitText(parts: WordPart[]): string | undefined {
  const last = parts[parts.length - 1];
  return last && last.kind === 'lit' ? last.text : undefined;
}

/** Tokenizes shell text. `firstLine` numbers the first line (for re-lexing a value found elsewhere). */
export function lex(text: string, firstLine = 1): { tokens: Token[]; problems: LexProblem[] } {
  const lx = new Lexer(text);
  lx.line = firstLine;
  lx.run();
  return { tokens: lx.tokens, problems: lx.problems };
}

/** The word's text if it is one plain unquoted literal (a reserved word or a command name). */
export function plainWord(w: Word): string | undefined {
  if (w.parts.length !== 1) return undefined;
  const p = w.parts[0]!;
  return p.kind === 'lit' && !p.quoted ? p.text : undefined;
}

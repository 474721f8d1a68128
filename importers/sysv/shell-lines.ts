/**
 * From script text to simple commands with line numbers: join backslash continuations and multi-line
 * quotes into logical lines, split them at control operators, and know which commands sit inside a
 * function body (only top-level assignments describe the script's configuration).
 */
import { tokenize, type Token, type WordPart } from './shell-words.js';

export interface LogicalLine {
  text: string;
  /** 1-based line where it starts. */
  line: number;
}

export interface ScanProblem {
  line: number;
  message: string;
}

/** Splits script text into logical lines. A quote still open at end of file is reported. */
export function logicalLines(text: string): { lines: LogicalLine[]; problems: ScanProblem[] } {
  const phys = text.split('\n');
  const lines: LogicalLine[] = [];
  const problems: ScanProblem[] = [];
  let buf = '';
  let startLine = 1;
  let quote: '' | "'" | '"' = '';
  let heredoc: string | undefined;
  for (let idx = 0; idx < phys.length; idx++) {
    const raw = phys[idx]!;
    if (heredoc !== undefined) {
      // Here-document bodies are data, not commands (quotes in them must not open anything).
      if (raw.replace(/^\t+/, '').trimEnd() === heredoc) heredoc = undefined;
      continue;
    }
    if (buf === '' && quote === '') startLine = idx + 1;
    const r = scanLine(raw, quote);
    quote = r.quote;
    if (quote !== '') { buf += raw + '\n'; continue; }
    if (r.continued) { buf += raw.slice(0, -1); continue; }
    buf += raw;
    lines.push({ text: buf, line: startLine });
    const hd = buf.includes('<<') ? /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(stripComment(buf)) : null;
    if (hd) heredoc = hd[1];
    buf = '';
  }
  if (quote !== '') {
    problems.push({ line: startLine, message: `unterminated ${quote === "'" ? 'single' : 'double'} quote opened here` });
    lines.push({ text: buf, line: startLine });
  } else if (buf !== '') lines.push({ text: buf, line: startLine });
  return { lines, problems };
}

/** Quote state at end of a physical line, and whether it ends in a continuation backslash. */
function scanLine(s: string, quote: '' | "'" | '"'): { quote: '' | "'" | '"'; continued: boolean } {
  let i = 0;
  while (i < s.length) {
    // Skip, with a compiled regex, the characters that cannot change the state here.
    const c = s[i]!;
    if (quote === "'") { if (c === "'") quote = ''; i++; continue; }
    if (c === '\\') {
      if (i === s.length - 1) return { quote, continued: quote === '' };
      i += 2;
      continue;
    }
    if (quote === '"') { if (c === '"') quote = ''; i++; continue; }
    if (c === "'" || c === '"') { quote = c; i++; continue; }
    if (c === '#' && (i === 0 || /[\s;&|()]/.test(s[i - 1]!))) break; // comment to end of line
    i++;
  }
  return { quote, continued: false };
}

function stripComment(s: string): string {
  const m = /(^|\s)#/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

export type WordToken = Extract<Token, { type: 'word' }>;

export interface SimpleCommand {
  /** Words of the command, leading reserved words (`if`, `then`, `!`, ...) removed, redirections dropped. */
  words: WordToken[];
  line: number;
  /** Name of the function whose body contains it, if any. */
  inFunction?: string;
}

const RESERVED_LEADERS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'fi', 'done', 'esac', 'in']);

// The importer reads each script twice (variables, then daemon calls) and the init-d-script template
// once per script: a few recent results are kept. Callers treat them as read-only.
const recent = new Map<string, { commands: SimpleCommand[]; problems: ScanProblem[] }>();
const RECENT_MAX = 4;

/** Every simple command of the script, in order, with the function it belongs to. */
export function simpleCommands(text: string): { commands: SimpleCommand[]; problems: ScanProblem[] } {
  let r = recent.get(text);
  if (!r) {
    r = scanCommands(text);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
    recent.set(text, r);
  }
  return r;
}

function scanCommands(text: string): { commands: SimpleCommand[]; problems: ScanProblem[] } {
  const { lines, problems } = logicalLines(text);
  const commands: SimpleCommand[] = [];
  let fn: string | undefined; // current function
  let pendingFn: string | undefined; // `name()` seen, body `{` not yet
  let depth = 0;
  for (const ll of lines) {
    const tokens = tokenize(ll.text);
    let words: WordToken[] = [];
    const flush = () => {
      // Leading reserved words and braces open/close blocks; braces count only to find function ends.
      while (words.length > 0) {
        const w = words[0]!;
        if (isBare(w, '{')) {
          if (pendingFn !== undefined) { fn = pendingFn; pendingFn = undefined; depth = 1; }
          else if (fn !== undefined) depth++;
        } else if (isBare(w, '}')) {
          if (fn !== undefined && --depth === 0) fn = undefined;
        } else if (!(w.parts.length === 1 && w.parts[0]!.kind === 'lit' && !w.parts[0]!.quoted && RESERVED_LEADERS.has(w.raw))) break;
        words.shift();
      }
      if (words.length > 0) {
        const c: SimpleCommand = { words, line: ll.line };
        if (fn !== undefined) c.inFunction = fn;
        commands.push(c);
      }
      words = [];
    };
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.type === 'word') {
        // `name()` or `name ()`: a function definition, not a call.
        const n1 = tokens[i + 1];
        const n2 = tokens[i + 2];
        if (words.length === 0 && n1?.type === 'op' && n1.op === '(' && n2?.type === 'op' && n2.op === ')') {
          pendingFn = t.raw;
          i += 2;
          continue;
        }
        if (words.length === 0 && t.raw === 'function' && n1?.type === 'word') {
          pendingFn = n1.raw;
          i += 1;
          if (tokens[i + 1]?.type === 'op' && (tokens[i + 1] as { op: string }).op === '(') i += 2;
          continue;
        }
        words.push(t);
      } else if (t.op === 'redir') {
        if (tokens[i + 1]?.type === 'word') i++; // the redirection target is not an argument
      } else {
        flush();
      }
    }
    flush();
  }
  return { commands, problems };
}

function isBare(w: WordToken, s: string): boolean {
  return w.raw === s;
}

/** The literal text of a word when it has no expansion and no quoting (command names, `NAME=` prefixes). */
export function plainText(parts: WordPart[]): string | undefined {
  let s = '';
  for (const p of parts) {
    if (p.kind !== 'lit') return undefined;
    s += p.text;
  }
  return s;
}

/**
 * From script text to simple commands with line numbers: join backslash continuations and multi-line
 * quotes into logical lines, split them at control operators, and know which commands sit inside a
 * function body (only top-level assignments describe the script's configuration).
 */
import { lexLine, OPERATORS, WORD, wordToken, type Token, type WordPart } from './shell-words.js';

export interface LogicalLine {
  text: string;
  /** 1-based line where it starts. */
  line: number;
}

export interface ScanProblem {
  line: number;
  message: string;
}

// A physical line holding only blanks or a comment (matched from its start).
const BLANK_OR_COMMENT = /[ \t]*(?:#|\n|$)/y;

/**
 * Splits script text into logical lines. A quote still open at end of file is reported. Lines holding
 * only blanks or a comment are left out (most of a script's lines; they hold no command).
 */
export function logicalLines(text: string): { lines: LogicalLine[]; problems: ScanProblem[] } {
  const lines: LogicalLine[] = [];
  const problems: ScanProblem[] = [];
  let buf = '';
  let startLine = 1;
  let quote: '' | "'" | '"' = '';
  let heredoc: string | undefined;
  // Physical lines by indexOf, as text.split('\n') would cut them, without making the skipped ones.
  for (let pos = 0, lineNo = 1; ; lineNo++) {
    const nl = text.indexOf('\n', pos);
    const next = nl === -1 ? text.length : nl;
    const from = pos;
    pos = next + 1;
    if (heredoc !== undefined) {
      // Here-document bodies are data, not commands (quotes in them must not open anything).
      if (text.slice(from, next).replace(/^\t+/, '').trimEnd() === heredoc) heredoc = undefined;
    } else if (buf === '' && quote === '' && (BLANK_OR_COMMENT.lastIndex = from, BLANK_OR_COMMENT.test(text))) {
      // Nothing to join or to read.
    } else {
      const raw = text.slice(from, next);
      if (buf === '' && quote === '') startLine = lineNo;
      const end = scanLine(raw, quote);
      if (end === '\\') { quote = ''; buf += raw.slice(0, -1); }
      else if (end !== '') { quote = end; buf += raw + '\n'; }
      else {
        quote = '';
        buf += raw;
        lines.push({ text: buf, line: startLine });
        const hd = buf.includes('<<') ? /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(stripComment(buf)) : null;
        if (hd) heredoc = hd[1];
        buf = '';
      }
    }
    if (nl === -1) break;
  }
  if (quote !== '') {
    problems.push({ line: startLine, message: `unterminated ${quote === "'" ? 'single' : 'double'} quote opened here` });
    lines.push({ text: buf, line: startLine });
  } else if (buf !== '') lines.push({ text: buf, line: startLine });
  return { lines, problems };
}

// The characters that can change the quote state, found natively instead of one at a time.
const UNQUOTED_SPECIAL = /[\\'"#]/g;
const DOUBLE_QUOTED_SPECIAL = /[\\"]/g;
const BEFORE_COMMENT = /[\s;&|()]/;

/**
 * How a physical line ends when it starts in `quote`: inside a quote (`'` or `"`), with a continuation
 * backslash outside quotes (`\`), or plainly (``).
 */
function scanLine(s: string, quote: '' | "'" | '"'): '' | "'" | '"' | '\\' {
  let i = 0;
  for (;;) {
    if (quote === "'") {
      const close = s.indexOf("'", i);
      if (close === -1) return quote;
      quote = '';
      i = close + 1;
      continue;
    }
    const re = quote === '"' ? DOUBLE_QUOTED_SPECIAL : UNQUOTED_SPECIAL;
    re.lastIndex = i;
    if (!re.test(s)) return quote;
    const at = re.lastIndex - 1;
    const c = s[at]!;
    if (c === '\\') {
      if (at === s.length - 1) return quote === '' ? '\\' : quote;
      i = at + 2;
    } else if (quote === '"') {
      quote = ''; // c is the closing quote
      i = at + 1;
    } else if (c === "'" || c === '"') {
      quote = c;
      i = at + 1;
    } else {
      if (at === 0 || BEFORE_COMMENT.test(s[at - 1]!)) return quote; // a comment runs to end of line
      i = at + 1;
    }
  }
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
  /**
   * Runs only under a condition: after `&&`/`||`, in a pipeline, or inside `if`/`case`/`while`/`until`/
   * `for`. An assignment there may or may not happen (shell-vars.ts makes its variable unknown).
   */
  conditional?: boolean;
  /**
   * Runs only when the script gets a second argument (`if [ -n "$2" ]`, `[ "$2" ] && ...`): never when
   * init starts it (`NAME start`), so its assignments do not apply to the start.
   */
  notAtStart?: boolean;
  /** Its output goes down a pipe (`sshd -? | grep -q OpenSSH`): a query, not work. */
  pipedOut?: boolean;
  /** Targets of its output redirections (`>>$LOGFILE`), as written. */
  outputTo?: string[];
  /**
   * Inside an arm of the script's top-level `case "$1" in`: that arm's patterns (`start`, `restart`,
   * `*`), so a reader can tell the commands init's `NAME start` runs from those of other actions.
   */
  arm?: string[];
}

/** Whether a command reads `$2`..`$9` or `$#`: init calls a script with one argument. */
function readsLaterArgs(words: readonly WordToken[]): boolean {
  return words.some((w) => w.parts.some((p) => p.kind === 'param' && /^(?:[2-9]|#)$/.test(p.name)));
}

const RESERVED_LEADERS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'fi', 'done', 'esac', 'in']);

/** Every simple command of the script, in order, with the function it belongs to. */
export function simpleCommands(text: string): { commands: SimpleCommand[]; problems: ScanProblem[] } {
  return scanCommands(text, undefined);
}

// Commands a fact can come from, by their first word: shell-vars.ts reads assignments, export, readonly,
// unset, `:` and `.`/source; start-stop-daemon.ts reads `VAR=x`/exec prefixes, then start-stop-daemon or
// start_daemon. Everything else (echo, log_*, tests, case arms: most of a script) is skipped unbuilt.
const FACT_HEADS = new Set(['set', 'export', 'readonly', 'unset', ':', '.', 'source', 'exec', 'start_daemon']);
const ASSIGNMENT_RE = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Whether a command with this first word can state a fact (exported for tests). */
export function mayStateFact(head: WordToken): boolean {
  const first = head.parts[0];
  if (first?.kind !== 'lit') return false;
  if (!first.quoted && ASSIGNMENT_RE.test(first.text)) return true;
  const t = plainText(head.parts);
  if (t === undefined) return false;
  return FACT_HEADS.has(t) || ASSIGNMENT_RE.test(t) || t.slice(t.lastIndexOf('/') + 1) === 'start-stop-daemon';
}

// The importer reads each script twice (variables, then daemon calls) and the init-d-script template
// once per script: a few recent results are kept. Callers treat them as read-only.
const recent = new Map<string, { commands: SimpleCommand[]; problems: ScanProblem[] }>();
const RECENT_MAX = 4;

/**
 * The simple commands a fact can come from (see FACT_HEADS), in order, with the function each belongs
 * to: `simpleCommands` without the others, which are never built.
 */
export function factCommands(text: string): { commands: SimpleCommand[]; problems: ScanProblem[] } {
  let r = recent.get(text);
  if (!r) {
    r = scanCommands(text, mayStateFact);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
    recent.set(text, r);
  }
  return r;
}

// What a logical line must contain, once quotes and escapes are removed, to hold a fact command or to
// open or close a function: a word that is exactly `{`, `}`, `.` or `:`, a `NAME=` word, a fact command's
// name, `name()` or `function`. A word's literal text is its source minus quote characters, backslashes
// and escaped newlines, so removing those from the line can only add matches, never lose one; the
// native test lets the two thirds of lines that cannot matter skip lexing.
const MAY_HOLD_FACT = /(?:^|[\s;&|()<>])(?:[{}.:](?:$|[\s;&|()<>])|[A-Za-z_][A-Za-z0-9_]*=|(?:if|then|else|elif|fi|case|esac|while|until|for|do|done)(?:$|[\s;&|()<>]))|export|readonly|unset|source|\bset\b|exec|start_daemon|start-stop-daemon|function|\([ \t]*\)/;
const QUOTING = /\\\n|[\\'"]/g;
const COMMENT_OR_BLANK = /^[ \t]*(?:#[^\n]*)?$/;

// `start|restart)` and `;;`: the arms of a case, which the scanner follows on every line it reads.
const CASE_SYNTAX = /;;|^[ \t]*\(?[^\s()$"'`;&|]+(?:[ \t]*\|[ \t]*[^\s()$"'`;&|]+)*[ \t]*\)/;

function mayHoldFact(line: string): boolean {
  if (COMMENT_OR_BLANK.test(line)) return false;
  if (MAY_HOLD_FACT.test(line) || CASE_SYNTAX.test(line)) return true;
  return line.search(QUOTING) !== -1 && MAY_HOLD_FACT.test(line.replace(QUOTING, ''));
}

function scanCommands(text: string, keep: ((head: WordToken) => boolean) | undefined): { commands: SimpleCommand[]; problems: ScanProblem[] } {
  const { lines, problems } = logicalLines(text);
  const scanner = new CommandScanner(keep);
  for (let l = 0; l < lines.length; l++) {
    if (keep !== undefined && !mayHoldFact(lines[l]!.text)) continue;
    scanner.scanLine(lines[l]!);
  }
  return { commands: scanner.commands, problems };
}

/** Function-body state across the logical lines of one script, and the commands found so far. */
class CommandScanner {
  readonly commands: SimpleCommand[] = [];
  private fn: string | undefined; // current function
  private pendingFn: string | undefined; // `name()` seen, body `{` not yet
  private depth = 0;
  private blocks: boolean[] = []; // open if/case/while/until/for: true when not entered at start
  private andOr = false; // the next command follows `&&`, `||` or `|`
  private afterLaterArgs = false; // the next command follows `&&` after a test of $2..$9
  private lastReadLaterArgs = false;
  // The line being read: its text, its lexed shape, and the shape indices of the current command's
  // words (built into tokens only when the command is kept).
  private src = '';
  private shape: number[] = [];
  private line = 0;
  private readonly words: number[] = [];
  private outputs: string[] = [];
  /** Open `case` statements: whether on the script's action (`$1`, top level), and the current arm. */
  private cases: { action: boolean; depth: number; expecting: boolean; pending: string[]; arm?: string[] }[] = [];

  constructor(private readonly keep: ((head: WordToken) => boolean) | undefined) {}

  scanLine(ll: LogicalLine): void {
    this.src = ll.text;
    this.line = ll.line;
    const shape = (this.shape = lexLine(ll.text));
    const words = this.words;
    for (let k = 0; k < shape.length; k += 3) {
      const kind = shape[k]!;
      if (kind === WORD) {
        if (words.length === 0) {
          // `name()` or `name ()`: a function definition, not a call.
          if (this.isOp(k + 3, '(') && this.isOp(k + 6, ')')) {
            this.pendingFn = this.raw(k);
            k += 6;
            continue;
          }
          if (k + 3 < shape.length && shape[k + 3] === WORD && this.raw(k) === 'function') {
            this.pendingFn = this.raw(k + 3);
            k += 3;
            if (this.isOp(k + 3, '(')) k += 6;
            continue;
          }
        }
        words.push(k);
      } else if (OPERATORS[kind]!.op === 'redir') {
        if (k + 3 < shape.length && shape[k + 3] === WORD) {
          // The redirection target is not an argument; an output one is kept (where the output goes).
          if (this.src.slice(shape[k + 1], shape[k + 2]).includes('>')) this.outputs.push(this.raw(k + 3));
          k += 3;
        }
      } else {
        const op = OPERATORS[kind]!.op;
        if (this.casePattern(op)) continue;
        this.flush(op === '|');
        const open = this.cases[this.cases.length - 1];
        if (op === ';;' && open && open.depth === this.blocks.length) { open.expecting = true; delete open.arm; }
        this.afterLaterArgs = op === '&&' && this.lastReadLaterArgs;
        this.andOr = op === '&&' || op === '||' || op === '|';
      }
    }
    this.flush();
    this.andOr = false;
    this.afterLaterArgs = false;
  }

  private raw(k: number): string {
    return this.src.slice(this.shape[k + 1], this.shape[k + 2]);
  }

  private isOp(k: number, op: string): boolean {
    return k < this.shape.length && this.shape[k] !== WORD && OPERATORS[this.shape[k]!]!.op === op;
  }

  private word(k: number): WordToken {
    return wordToken(this.src, this.shape[k + 1]!, this.shape[k + 2]!);
  }

  /**
   * Words before `|` or `)` where a `case` expects a pattern are the pattern, not a command (also when the
   * `case ... in` is on the same line). True when the operator was consumed that way.
   */
  private casePattern(op: string): boolean {
    const words = this.words;
    if (op === ')' && words.length > 0 && this.raw(words[0]!) === 'case') {
      const at = words.findIndex((k) => this.raw(k) === 'in');
      if (at === -1) return false;
      this.openCase(words.slice(1, at).map((k) => this.raw(k)));
      words.splice(0, at + 1);
    }
    const open = this.cases[this.cases.length - 1];
    if (!open || open.depth !== this.blocks.length || !open.expecting || (op !== '|' && op !== ')' && op !== '(')) return false;
    for (const k of words) open.pending.push(this.raw(k));
    words.length = 0;
    if (op === ')') {
      open.arm = open.pending;
      open.pending = [];
      open.expecting = false;
    }
    return true;
  }

  private openCase(subject: readonly string[]): void {
    this.blocks.push(false);
    const action = this.fn === undefined && subject.length === 1 && /^"?\$\{?1\}?"?$/.test(subject[0]!);
    this.cases.push({ action, depth: this.blocks.length, expecting: true, pending: [] });
  }

  private flush(pipedOut = false): void {
    const words = this.words;
    // Leading reserved words and braces open/close blocks; braces count only to find function ends.
    // (A reserved word is letters or `!`, so its word is always one plain unquoted literal.)
    let w = 0;
    for (; w < words.length; w++) {
      const r = this.raw(words[w]!);
      if (r === '{') {
        if (this.pendingFn !== undefined) { this.fn = this.pendingFn; this.pendingFn = undefined; this.depth = 1; }
        else if (this.fn !== undefined) this.depth++;
      } else if (r === '}') {
        if (this.fn !== undefined && --this.depth === 0) this.fn = undefined;
      } else if (r === 'if' || r === 'while' || r === 'until') {
        // The condition is the rest of this command; the test of $2.. decides only an `if`'s first branch.
        const cond = words.slice(w + 1).map((k) => this.word(k));
        this.blocks.push(r === 'if' && readsLaterArgs(cond));
      } else if (r === 'else' || r === 'elif') {
        if (this.blocks.length > 0) this.blocks[this.blocks.length - 1] = false;
      } else if (r === 'fi' || r === 'done' || r === 'esac') {
        this.blocks.pop();
        while (this.cases.length > 0 && this.cases[this.cases.length - 1]!.depth > this.blocks.length) this.cases.pop();
      } else if (!RESERVED_LEADERS.has(r)) break;
    }
    this.lastReadLaterArgs = false;
    if (w < words.length) {
      const head = this.word(words[w]!);
      const conditional = this.blocks.length > 0 || this.andOr;
      const notAtStart = this.afterLaterArgs || this.blocks.includes(true);
      const hr = this.raw(words[w]!);
      if (hr === 'case') {
        const at = words.findIndex((k) => this.raw(k) === 'in');
        this.openCase(words.slice(w + 1, at === -1 ? words.length : at).map((k) => this.raw(k)));
      }
      else if (hr === 'for') this.blocks.push(false);
      // `[ -n "$2" ] && X=...`: a test command (no assignment) whose words read $2..
      if (hr === '[' || hr === 'test') this.lastReadLaterArgs = readsLaterArgs(words.slice(w + 1).map((k) => this.word(k)));
      if (this.keep === undefined || this.keep(head)) {
        const built = [head];
        for (let k = w + 1; k < words.length; k++) built.push(this.word(words[k]!));
        const c: SimpleCommand = { words: built, line: this.line };
        if (this.fn !== undefined) c.inFunction = this.fn;
        if (conditional) c.conditional = true;
        if (notAtStart) c.notAtStart = true;
        if (pipedOut) c.pipedOut = true;
        if (this.outputs.length > 0) c.outputTo = this.outputs;
        const action = this.cases.find((x) => x.action && x.arm !== undefined);
        if (action && hr !== 'case') c.arm = action.arm!;
        this.commands.push(c);
      }
    }
    words.length = 0;
    this.outputs = [];
  }
}

/** The literal text of a word when it has no expansion and no quoting (command names, `NAME=` prefixes). */
export function plainText(parts: WordPart[]): string | undefined {
  let s = '';
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    if (p.kind !== 'lit') return undefined;
    s += p.text;
  }
  return s;
}

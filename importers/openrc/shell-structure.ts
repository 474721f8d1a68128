/**
 * From tokens to simple commands that know where they sit: in which function body, whether they run
 * only under a condition (`if`, `case`, loops, the right side of `&&`/`||`), whether in a subshell.
 * That is all a static reader needs: top-level assignments configure the service, `depend()` lists its
 * dependencies, other functions are custom behaviour.
 */
import { lex, plainWord, type LexProblem, type Token, type Word } from './shell-lexer.js';

export interface SimpleCommand {
  words: Word[];
  line: number;
  /** Innermost function whose body holds the command, if any. */
  fn?: string;
  /** Runs only under a condition (if/case/loop body or condition, after `&&`/`||`). */
  conditional: boolean;
  /** Runs in a subshell or a pipeline: assignments do not reach the script. */
  subshell: boolean;
}

export interface FunctionDef {
  name: string;
  line: number;
  /** Line of the closing brace; absent when the body is never closed. */
  endLine?: number;
  /** Enclosing function, for a function defined inside another one. */
  parent?: string;
}

export interface ParsedScript {
  commands: SimpleCommand[];
  functions: FunctionDef[];
  problems: LexProblem[];
}

type FrameKind = 'if' | 'loop' | 'case' | 'brace' | 'subshell' | 'function';
interface Frame {
  kind: FrameKind;
  line: number;
  fn?: FunctionDef;
  /** `function` frames whose body is a subshell `( ... )` close on `)`. */
  closer?: '}' | ')';
}

const OPENERS: Record<string, FrameKind> = { if: 'if', while: 'loop', until: 'loop', for: 'loop', case: 'case' };
const CLOSERS: Record<string, FrameKind> = { fi: 'if', done: 'loop', esac: 'case' };
const SEPARATORS = new Set(['\n', ';', '&', ';;']);
const FUNC_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

class StructureParser {
  commands: SimpleCommand[] = [];
  functions: FunctionDef[] = [];
  problems: LexProblem[] = [];
  frames: Frame[] = [];
  i = 0;
  /** Set after `&&`/`||`/`|` until the next separator. */
  listConditional = false;
  piped = false;
  /** Inside `case ... in`, reading patterns up to `)`. */
  casePattern = false;

  /**
   * Recovery pass: lines of functions the first pass found unclosed. Inside one of them, a function
   * header or a command starting in column 0 ends the body (that is where the closing brace was forgotten).
   */
  constructor(readonly tokens: Token[], readonly unclosed: ReadonlySet<number> = new Set()) {}

  parse(): void {
    const t = this.tokens;
    while (this.i < t.length) {
      const tok = t[this.i]!;
      if (tok.type === 'op') { this.operator(tok.op, tok.line); continue; }
      if (this.casePattern) {
        this.i++;
        if (plainWord(tok.word) === 'esac') {
          this.casePattern = false;
          this.closeFrame('esac', tok.line);
        }
        continue;
      }
      this.recoverAt(tok.word);
      this.commandAt();
    }
    for (const f of [...this.frames].reverse()) {
      if (f.kind === 'function') {
        this.problems.push({ line: f.line, code: 'openrc-unterminated-function', message: `function ${f.fn!.name}() opened here has no closing brace` });
      } else {
        this.problems.push({ line: f.line, code: 'openrc-unterminated-block', message: `${f.kind === 'brace' ? '{' : f.kind === 'subshell' ? '(' : f.kind} block opened here is never closed` });
      }
    }
  }

  operator(op: string, line: number): void {
    this.i++;
    if (this.casePattern) {
      if (op === ')') this.casePattern = false;
      return;
    }
    if (SEPARATORS.has(op)) {
      this.listConditional = false;
      this.piped = false;
      if (op === ';;' && this.top()?.kind === 'case') this.casePattern = true;
      return;
    }
    if (op === '&&' || op === '||') { this.listConditional = true; return; }
    if (op === '|') { this.piped = true; return; }
    if (op === '(') { this.frames.push({ kind: 'subshell', line }); return; }
    if (op === ')') { this.closeFrame(')', line); return; }
    if (op === 'redir') this.skipRedirTarget();
  }

  skipRedirTarget(): void {
    if (this.tokens[this.i]?.type === 'word') this.i++;
  }

  top(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  currentFunction(): FunctionDef | undefined {
    for (let k = this.frames.length - 1; k >= 0; k--) if (this.frames[k]!.fn) return this.frames[k]!.fn;
    return undefined;
  }

  /** Frames between the innermost function (exclusive) and here make a command conditional. */
  underCondition(): boolean {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const f = this.frames[k]!;
      if (f.kind === 'function') return false;
      if (f.kind === 'if' || f.kind === 'loop' || f.kind === 'case') return true;
    }
    return false;
  }

  inSubshell(): boolean {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const f = this.frames[k]!;
      if (f.kind === 'function') return false;
      if (f.kind === 'subshell') return true;
    }
    return false;
  }

  recoverAt(word: Word): void {
    if (this.unclosed.size === 0) return;
    const idx = this.frames.findIndex((f) => f.kind === 'function' && this.unclosed.has(f.line));
    if (idx === -1) return;
    const kw = plainWord(word);
    const header = kw !== undefined && (kw === 'function' || (isOp(this.tokens[this.i + 1], '(') && isOp(this.tokens[this.i + 2], ')')));
    if (header || (word.col === 0 && kw !== '}')) this.frames.length = idx;
  }

  commandAt(): void {
    const t = this.tokens;
    const first = (t[this.i] as Extract<Token, { type: 'word' }>).word;
    const kw = plainWord(first);
    if (kw !== undefined && this.reservedWord(kw, first.line)) return;
    if (kw !== undefined && this.functionHeader(kw, first.line)) return;
    const words: Word[] = [];
    while (this.i < t.length) {
      const tok = t[this.i]!;
      if (tok.type === 'op') {
        if (tok.op === 'redir') { this.i++; this.skipRedirTarget(); continue; }
        break;
      }
      words.push(tok.word);
      this.i++;
    }
    const cmd: SimpleCommand = {
      words,
      line: first.line,
      conditional: this.listConditional || this.underCondition(),
      subshell: this.piped || this.inSubshell() || this.nextIsPipe(),
    };
    const fn = this.currentFunction();
    if (fn) cmd.fn = fn.name;
    this.commands.push(cmd);
  }

  nextIsPipe(): boolean {
    const tok = this.tokens[this.i];
    return tok?.type === 'op' && tok.op === '|';
  }

  reservedWord(kw: string, line: number): boolean {
    if (kw in OPENERS) {
      this.i++;
      const kind = OPENERS[kw]!;
      this.frames.push({ kind, line });
      if (kw === 'for') this.skipUntilSeparator();
      if (kw === 'case') {
        this.skipUntilWord('in');
        this.casePattern = true;
      }
      // The condition of if/while runs every time, but it is still a test, not configuration.
      this.listConditional = kind === 'if' || kind === 'loop' ? true : this.listConditional;
      return true;
    }
    if (kw in CLOSERS) {
      this.i++;
      this.closeFrame(kw, line);
      return true;
    }
    if (kw === 'then' || kw === 'do' || kw === 'else' || kw === 'elif' || kw === '!') {
      this.i++;
      return true;
    }
    if (kw === '{') {
      this.i++;
      this.frames.push({ kind: 'brace', line });
      return true;
    }
    if (kw === '}') {
      this.i++;
      this.closeFrame('}', line);
      return true;
    }
    return false;
  }

  /** `name() {`, `name () {`, `function name {`, `function name() {`. */
  functionHeader(kw: string, line: number): boolean {
    const t = this.tokens;
    let j = this.i;
    let name: string | undefined;
    if (kw === 'function' && t[j + 1]?.type === 'word') {
      name = plainWord((t[j + 1] as Extract<Token, { type: 'word' }>).word);
      j += 2;
      if (isOp(t[j], '(') && isOp(t[j + 1], ')')) j += 2;
    } else if (FUNC_NAME.test(kw) && isOp(t[j + 1], '(') && isOp(t[j + 2], ')')) {
      name = kw;
      j += 3;
    }
    if (name === undefined) return false;
    while (isOp(t[j], '\n')) j++;
    const body = t[j];
    let closer: '}' | ')' | undefined;
    if (body?.type === 'word' && plainWord(body.word) === '{') closer = '}';
    else if (isOp(body, '(')) closer = ')';
    if (!closer) {
      this.problems.push({ line, code: 'openrc-malformed-function', message: `function ${name}() has no body in braces` });
      this.i = j;
      return true;
    }
    const parent = this.currentFunction();
    const fn: FunctionDef = { name, line };
    if (parent) fn.parent = parent.name;
    this.functions.push(fn);
    this.frames.push({ kind: 'function', line, fn, closer });
    this.i = j + 1;
    this.listConditional = false;
    this.piped = false;
    return true;
  }

  closeFrame(closer: string, line: number): void {
    const wanted: FrameKind[] = closer === '}' ? ['brace', 'function'] : closer === ')' ? ['subshell', 'function'] : [CLOSERS[closer]!];
    const idx = findLastIndex(this.frames, (f) => wanted.includes(f.kind) && (f.kind !== 'function' || f.closer === closer));
    if (idx === -1) {
      this.problems.push({ line, code: 'openrc-unbalanced', message: `\`${closer}\` closes nothing` });
      return;
    }
    // Frames opened after the one being closed were never closed themselves.
    for (const f of this.frames.slice(idx + 1)) {
      this.problems.push({ line: f.line, code: 'openrc-unterminated-block', message: `${f.kind} block opened here is not closed before line ${line}` });
    }
    const frame = this.frames[idx]!;
    if (frame.fn) frame.fn.endLine = line;
    this.frames.length = idx;
  }

  skipUntilSeparator(): void {
    const t = this.tokens;
    while (this.i < t.length) {
      const tok = t[this.i]!;
      if (tok.type === 'op' && (tok.op === ';' || tok.op === '\n')) return;
      if (tok.type === 'word' && plainWord(tok.word) === 'do') return;
      this.i++;
    }
  }

  skipUntilWord(word: string): void {
    const t = this.tokens;
    while (this.i < t.length) {
      const tok = t[this.i]!;
      this.i++;
      if (tok.type === 'word' && plainWord(tok.word) === word) return;
    }
  }
}

function isOp(tok: Token | undefined, op: string): boolean {
  return tok?.type === 'op' && tok.op === op;
}

function findLastIndex<T>(list: T[], pred: (x: T) => boolean): number {
  for (let k = list.length - 1; k >= 0; k--) if (pred(list[k]!)) return k;
  return -1;
}

/**
 * Parses script text. If a function body is never closed, the text is read a second time ending that
 * body at the next function header or column-0 command, so the definitions after it are still seen (the
 * problem is reported either way).
 */
export function parseScript(text: string): ParsedScript {
  const { tokens, problems } = lex(text);
  const first = new StructureParser(tokens);
  first.parse();
  const unclosed = new Set(first.problems.filter((p) => p.code === 'openrc-unterminated-function').map((p) => p.line));
  let chosen = first;
  if (unclosed.size > 0) {
    const second = new StructureParser(tokens, unclosed);
    second.parse();
    // Keep the first pass's problems: they name the function that is really unclosed.
    second.problems = first.problems;
    chosen = second;
  }
  return { commands: chosen.commands, functions: chosen.functions, problems: [...problems, ...chosen.problems] };
}
